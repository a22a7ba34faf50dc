using System.Diagnostics;

namespace CloudSeg.LocalEnvironment;

/// <summary>Waits for a condition on something outside the process (a port, a table row): check, back off, check again.</summary>
public static class Poll
{
    /// <param name="maxInterval">Longest pause between checks (500 ms unless given): shorter to catch a brief state.</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, CancellationToken ct = default,
        TimeSpan? maxInterval = null)
    {
        var longest = (maxInterval ?? TimeSpan.FromMilliseconds(500)).TotalMilliseconds;
        var elapsed = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(Math.Min(25, longest));
        while (!await condition().ConfigureAwait(false))
        {
            if (elapsed.Elapsed > timeout) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}.");
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, longest));
        }
    }
}
