namespace CloudSeg.Storage;

public sealed partial class CloudSegStorage
{
    /// <summary>
    /// Every registered version, newest first, with whether it is current, where it came from and — for versions a
    /// training run produced — that run's row (candidate and baseline AP, decision).
    /// </summary>
    public async Task<IReadOnlyList<RegisteredModel>> ListModelsAsync(CancellationToken ct = default)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var versions = await Registry.ListVersionsAsync(ct).ConfigureAwait(false);
        var current = (await Registry.GetCurrentAsync(ct).ConfigureAwait(false))?.Pointer;
        var runs = (await ListTrainingRunsAsync(1000, ct).ConfigureAwait(false))
            .Where(r => r.ModelVersion is not null)
            .GroupBy(r => r.ModelVersion!)
            .ToDictionary(g => g.Key, g => g.First());
        return versions
            .Select(v =>
            {
                var run = runs.GetValueOrDefault(v.Version);
                return new RegisteredModel(v, v.Version == current?.Version, ModelRegistry.SourceOf(v.Version, run is not null), run);
            })
            .Reverse()
            .ToList();
    }
}

/// <summary>A registry version as people see it. <see cref="Run"/> is the training run that produced it, if any.</summary>
public sealed record RegisteredModel(ModelVersionInfo Info, bool IsCurrent, string Source, TrainingRunEntity? Run)
{
    public string Version => Info.Version;
}
