using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// Keeps a page's unfinished images current: on each <see cref="PagePoller"/> tick it re-reads the index rows of the
/// names <c>pending</c> returns and hands the changed rows to <c>onRows</c>.
/// </summary>
public sealed class StatusPoller : IAsyncDisposable
{
    private readonly PagePoller _poller;

    public StatusPoller(GalleryService gallery, TimeSpan interval, Func<IReadOnlyCollection<string>> pending,
        Func<IReadOnlyDictionary<string, ImageIndexEntity>, Task> onRows, ILogger logger)
    {
        _poller = new PagePoller(interval, async ct =>
        {
            var names = pending();
            if (names.Count == 0) return;
            var rows = await gallery.GetRowsAsync(names, ct);
            if (rows.Count > 0) await onRows(rows);
        }, "the status of pending images", logger);
    }

    public ValueTask DisposeAsync() => _poller.DisposeAsync();
}
