using System.Diagnostics;

namespace CloudSeg.Testing;

/// <summary>Polls a condition until it holds or a deadline passes: how tests wait for asynchronous work, never Sleep.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Returns the first non-null value <paramref name="probe"/> yields; throws TimeoutException naming <paramref name="what"/>.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null) where T : class
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            if (await probe() is { } value) return value;
            if (deadline.Elapsed > limit) throw new TimeoutException($"Timed out after {limit.TotalSeconds:0}s waiting for {what}.");
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }

    /// <summary>Waits until <paramref name="condition"/> is true.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        ValueAsync<object>(async () => await condition() ? true : null, what, timeout);
}
