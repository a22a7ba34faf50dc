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
