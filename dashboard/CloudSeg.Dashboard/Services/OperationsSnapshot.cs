namespace CloudSeg.Dashboard.Services;

/// <summary>The operations page's figures for one time window, computed from index rows and the queues.</summary>
public sealed record OperationsSnapshot(
    TimeSpan Window,
    IReadOnlyDictionary<string, int> StatusCounts,
    int QueueDepth,
    int PoisonDepth,
    double ImagesPerMinute,
    double FailureRate,
    LatencyPercentiles? TotalLatency,
    LatencyPercentiles? InferenceLatency,
    IReadOnlyList<KeyValuePair<string, int>> ClassHistogram,
    IReadOnlyList<KeyValuePair<DateTimeOffset, int>> ProcessedPerBucket);

public sealed record LatencyPercentiles(double P50, double P90, double P99, double Max, int Samples)
{
    /// <summary>Nearest-rank percentiles of <paramref name="values"/>; null when there are none.</summary>
    public static LatencyPercentiles? Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return null;
        var sorted = values.Order().ToArray();
        double Rank(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LatencyPercentiles(Rank(0.50), Rank(0.90), Rank(0.99), sorted[^1], sorted.Length);
    }
}
