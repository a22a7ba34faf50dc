namespace CloudSeg.Cli;

/// <summary>Median and 95th percentile of a set of durations, in milliseconds (nearest-rank percentiles).</summary>
public readonly record struct DurationStats(int Count, double MedianMs, double P95Ms, double MeanMs)
{
    public static DurationStats Of(IEnumerable<TimeSpan> durations)
    {
        var sorted = durations.Select(d => d.TotalMilliseconds).Order().ToArray();
        if (sorted.Length == 0)
            return default;
        return new DurationStats(sorted.Length, Percentile(sorted, 0.5), Percentile(sorted, 0.95), sorted.Average());
    }

    private static double Percentile(double[] sorted, double fraction)
    {
        if (fraction == 0.5 && sorted.Length % 2 == 0)
            return (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
