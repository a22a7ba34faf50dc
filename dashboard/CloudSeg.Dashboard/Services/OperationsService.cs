using CloudSeg.Storage;
using Microsoft.Extensions.Options;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// Throughput, latency percentiles, queue depths, failure rate and the class histogram for the last
/// <see cref="DashboardOptions.OperationsWindow"/>. Reads only the few index columns it needs, filtered on the server
/// by upload time, so the cost grows with the window's traffic, not with the table.
/// </summary>
public sealed class OperationsService(CloudSegStorage storage, IOptions<DashboardOptions> options, TimeProvider clock)
{
    private static readonly string[] Columns =
    [
        nameof(ImageIndexEntity.BlobName), nameof(ImageIndexEntity.Status), nameof(ImageIndexEntity.ProcessedAt),
        nameof(ImageIndexEntity.TotalMs), nameof(ImageIndexEntity.InferenceMs), nameof(ImageIndexEntity.Classes),
        nameof(ImageIndexEntity.InstanceCount),
    ];

    public async Task<OperationsSnapshot> GetAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        var window = options.Value.OperationsWindow;
        var now = clock.GetUtcNow();
        var since = now - window;
        var rows = new List<ImageIndexEntity>();
        await foreach (var row in storage.QueryImagesAsync(new ImageQuery { UploadedAfter = since }, Columns, ct))
            rows.Add(row);
        return Compute(rows, window, now, await storage.GetQueueDepthAsync(ct), await PoisonDepthAsync(ct));
    }

    /// <summary>The figures from already loaded rows (pure, so tests can check the arithmetic).</summary>
    public static OperationsSnapshot Compute(IReadOnlyList<ImageIndexEntity> rows, TimeSpan window, DateTimeOffset now, int queueDepth, int poisonDepth)
    {
        var statusCounts = ImageStatus.All.ToDictionary(s => s, s => rows.Count(r => r.Status == s));
        var finished = rows.Where(r => r.IsFinished).ToList();
        var processed = rows.Where(r => r.Status == ImageStatus.Succeeded && r.ProcessedAt is not null).ToList();

        // Throughput over the span the work covered, first to last processed image (at least a minute): a burst is not
        // diluted by idle hours, and the figure stays put while nothing happens (measured up to "now", it fell on every
        // reload of an idle system).
        var times = processed.Select(r => r.ProcessedAt!.Value).ToList();
        var minutes = times.Count == 0 ? 1 : Math.Max((times.Max() - times.Min()).TotalMinutes, 1);
        var perMinute = processed.Count / Math.Min(minutes, window.TotalMinutes);

        var classes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in processed)
        {
            foreach (var name in (row.Classes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                classes[name] = classes.GetValueOrDefault(name) + 1;
        }

        var bucket = TimeSpan.FromTicks(Math.Max(window.Ticks / 24, TimeSpan.FromMinutes(1).Ticks));
        var buckets = processed
            .GroupBy(r => new DateTimeOffset(r.ProcessedAt!.Value.UtcTicks / bucket.Ticks * bucket.Ticks, TimeSpan.Zero))
            .OrderBy(g => g.Key)
            .Select(g => new KeyValuePair<DateTimeOffset, int>(g.Key, g.Count()))
            .ToList();

        return new OperationsSnapshot(
            window,
            statusCounts,
            queueDepth,
            poisonDepth,
            perMinute,
            finished.Count == 0 ? 0 : (double)finished.Count(r => r.Status == ImageStatus.Failed) / finished.Count,
            LatencyPercentiles.Of(processed.Where(r => r.TotalMs is not null).Select(r => r.TotalMs!.Value).ToList()),
            LatencyPercentiles.Of(processed.Where(r => r.InferenceMs is not null).Select(r => r.InferenceMs!.Value).ToList()),
            classes.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList(),
            buckets);
    }

    private Task<int> PoisonDepthAsync(CancellationToken ct) => storage.GetPoisonedCountAsync(ct);
}
