namespace CloudSeg.Dashboard.Services;

/// <summary>
/// Runs a page's refresh on a timer, one per circuit, stopped with the page. Server-side polling keeps the browser free
/// of storage access and needs no push channel from the functions host. A failed tick is logged and the next one retries,
/// so a storage hiccup never ends live updates for the rest of the page's life.
/// </summary>
public sealed class PagePoller : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="what">What is refreshed, for the warning a failed tick logs.</param>
    public PagePoller(TimeSpan interval, Func<CancellationToken, Task> tick, string what, ILogger logger)
    {
        _loop = RunAsync(interval, tick, what, logger, _stop.Token);
    }

    private static async Task RunAsync(TimeSpan interval, Func<CancellationToken, Task> tick, string what, ILogger logger, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await tick(ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Refreshing {What} failed", what);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // page closed
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
