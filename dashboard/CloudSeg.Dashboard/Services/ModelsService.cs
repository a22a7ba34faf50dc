using Azure;
using CloudSeg.Dashboard.Security;
using CloudSeg.Storage;
using Microsoft.Extensions.Options;

namespace CloudSeg.Dashboard.Services;

/// <summary>The model registry as the models page shows it, plus promote and roll back.</summary>
public sealed class ModelsService(CloudSegStorage storage, IOptions<DashboardSecurityOptions> security, ILogger<ModelsService> logger)
{
    /// <summary>The trainer's metrics log (JSON lines), looked for in <c>models/&lt;version&gt;/</c> and beside a local run's log.</summary>
    public const string MetricsLogName = "metrics.jsonl";

    public async Task<ModelRegistryView> GetAsync(CancellationToken ct)
    {
        var models = await storage.ListModelsAsync(ct);
        var current = await storage.Registry.GetCurrentAsync(ct);
        var versions = models
            .Select(m => new ModelVersionView(m.Version, m.Info.CreatedAt, m.Info.OnnxBytes, ModelCardView.Of(m.Info), m.Info.CardJson,
                m.IsCurrent, m.Source, m.Run))
            .ToList();
        return new ModelRegistryView(versions, current?.Pointer);
    }

    /// <summary>
    /// The version's training metrics log: <c>models/&lt;version&gt;/metrics.jsonl</c> when the registry has it; in local
    /// mode also the file a local training run left in its folder (the run whose id or model is this version).
    /// Null when neither exists.
    /// </summary>
    public async Task<MetricsLog?> GetMetricsLogAsync(string version, CancellationToken ct)
    {
        try
        {
            var download = await storage.Registry.Container.GetBlobClient($"{version}/{MetricsLogName}").DownloadContentAsync(ct);
            using var reader = new StringReader(download.Value.Content.ToString());
            return MetricsLog.Parse(reader);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // not uploaded with the model; a local run may still have it on this machine
        }
        if (security.Value.LocalMode != true) return null;
        var runs = await storage.ListTrainingRunsAsync(100, ct);
        var run = runs.FirstOrDefault(r => r.ModelVersion == version || r.RunId == version);
        if (run?.LogsLocation is not { Length: > 0 } logs || Path.GetDirectoryName(logs) is not { } folder) return null;
        // Only a file named metrics.jsonl in the run's folder (or its output/) is read: table data never picks arbitrary files.
        foreach (var path in new[] { Path.Combine(folder, MetricsLogName), Path.Combine(folder, "output", MetricsLogName) })
        {
            if (!File.Exists(path)) continue;
            using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return MetricsLog.Parse(reader);
        }
        return null;
    }

    public async Task PromoteAsync(string version, string user, CancellationToken ct)
    {
        await storage.Registry.PromoteAsync(version, $"promoted from the dashboard by {user}", ct);
        logger.LogInformation("{User} promoted model {Version}", user, version);
    }

    /// <summary>Makes the version registered before the current one current again; null when there is none.</summary>
    public async Task<string?> RollBackAsync(string user, CancellationToken ct)
    {
        var pointer = await storage.Registry.RollBackAsync($"{user} in the dashboard", ct);
        if (pointer is not null) logger.LogInformation("{User} rolled back the model to {Version}", user, pointer.Version);
        return pointer?.Version;
    }
}

public sealed record ModelRegistryView(IReadOnlyList<ModelVersionView> Versions, ModelPointer? Current);

/// <param name="Source">bundled, training or import (<see cref="ModelSource"/>).</param>
/// <param name="Run">The training run that produced the version: candidate and baseline AP on one val split, and the decision.</param>
public sealed record ModelVersionView(string Version, DateTimeOffset CreatedAt, long OnnxBytes, ModelCardView Card, string? CardJson, bool IsCurrent,
    string Source, TrainingRunEntity? Run);
