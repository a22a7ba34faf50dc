using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// Keeps a page's unfinished images current: on a timer (one per circuit, stopped with the page) it re-reads the
/// index rows of the names <c>pending</c> returns and hands the changed rows to <c>onRows</c>. Server-side polling
/// keeps the browser free of storage access and needs no push channel from the functions host.
/// </summary>
public sealed class StatusPoller : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public StatusPoller(GalleryService gallery, TimeSpan interval, Func<IReadOnlyCollection<string>> pending,
        Func<IReadOnlyDictionary<string, ImageIndexEntity>, Task> onRows, ILogger logger)
    {
        _loop = RunAsync(gallery, interval, pending, onRows, logger, _stop.Token);
    }

    private static async Task RunAsync(GalleryService gallery, TimeSpan interval, Func<IReadOnlyCollection<string>> pending,
        Func<IReadOnlyDictionary<string, ImageIndexEntity>, Task> onRows, ILogger logger, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                var names = pending();
                if (names.Count == 0) continue;
                try
                {
                    var rows = await gallery.GetRowsAsync(names, ct);
                    if (rows.Count > 0) await onRows(rows);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A storage hiccup must not end live updates for the rest of the page's life; the next tick retries.
                    logger.LogWarning(ex, "Refreshing the status of {Count} images failed", names.Count);
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
