using Azure;
using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>The model registry as the models page shows it, plus promote and roll back.</summary>
public sealed class ModelsService(CloudSegStorage storage, ILogger<ModelsService> logger)
{
    /// <summary>Names the training job may give its metrics log inside <c>models/&lt;version&gt;/</c> (JSON lines).</summary>
    public static IReadOnlyList<string> MetricsLogNames { get; } = ["metrics.jsonl", "training-metrics.jsonl"];

    public async Task<ModelRegistryView> GetAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        var versions = await storage.Registry.ListVersionsAsync(ct);
        var current = await storage.Registry.GetCurrentAsync(ct);
        var models = versions
            .Select(v => new ModelVersionView(v.Version, v.CreatedAt, v.OnnxBytes, ModelCardView.Parse(v.CardJson), v.CardJson,
                current?.Pointer.Version == v.Version))
            .Reverse() // newest first
            .ToList();
        return new ModelRegistryView(models, current?.Pointer);
    }

    /// <summary>The version's training metrics log, or null when the registry holds none for it.</summary>
    public async Task<MetricsLog?> GetMetricsLogAsync(string version, CancellationToken ct)
    {
        foreach (var name in MetricsLogNames)
        {
            try
            {
                var download = await storage.Registry.Container.GetBlobClient($"{version}/{name}").DownloadContentAsync(ct);
                using var reader = new StringReader(download.Value.Content.ToString());
                return MetricsLog.Parse(reader);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // try the next name
            }
        }
        return null;
    }

    public async Task PromoteAsync(string version, string user, CancellationToken ct)
    {
        await storage.Registry.PromoteAsync(version, $"promoted from the dashboard by {user}", ct);
        logger.LogInformation("{User} promoted model {Version}", user, version);
    }

    /// <summary>Makes the version registered before the current one current again; false when there is none.</summary>
    public async Task<string?> RollBackAsync(string user, CancellationToken ct)
    {
        var view = await GetAsync(ct);
        var oldestFirst = view.Versions.Reverse().ToList();
        var currentIndex = oldestFirst.FindIndex(v => v.IsCurrent);
        if (currentIndex <= 0) return null;
        var previous = oldestFirst[currentIndex - 1].Version;
        await storage.Registry.PromoteAsync(previous, $"rolled back from {oldestFirst[currentIndex].Version} in the dashboard by {user}", ct);
        logger.LogInformation("{User} rolled back the model to {Version}", user, previous);
        return previous;
    }
}

public sealed record ModelRegistryView(IReadOnlyList<ModelVersionView> Versions, ModelPointer? Current);

public sealed record ModelVersionView(string Version, DateTimeOffset CreatedAt, long OnnxBytes, ModelCardView Card, string? CardJson, bool IsCurrent);
