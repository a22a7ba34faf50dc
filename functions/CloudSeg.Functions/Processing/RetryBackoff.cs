namespace CloudSeg.Functions.Processing;

/// <summary>Exponential back-off for transient failures: base · 2^(attempt-1), capped.</summary>
public static class RetryBackoff
{
    public static TimeSpan For(long attempt, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 20);
        var delay = baseDelay.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(delay, maxDelay.TotalMilliseconds));
    }
}
