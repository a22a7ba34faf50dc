using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// Deletion with a way back: an image is deleted <see cref="DashboardOptions.DeleteUndoWindow"/> after a person asked,
/// unless they undo it meanwhile; until then pages leave it out. One per dashboard process, so leaving the page or
/// closing the tab does not cancel a deletion; a restart within the window forgets it, which keeps the image (the safe side).
/// </summary>
public sealed partial class PendingDeletions(ImageActionsService actions, IOptions<DashboardOptions> options, TimeProvider time,
    ILogger<PendingDeletions> logger)
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _pending = new(StringComparer.Ordinal);

    public bool IsPending(string blobName) => _pending.ContainsKey(blobName);

    /// <summary>Starts the grace period of <paramref name="blobName"/> (again asking for a pending one changes nothing).</summary>
    public void Schedule(string blobName)
    {
        var undo = new CancellationTokenSource();
        if (_pending.TryAdd(blobName, undo)) _ = DeleteLaterAsync(blobName, undo);
    }

    /// <summary>True when the deletion was still pending and now will not happen.</summary>
    public bool Undo(string blobName)
    {
        if (!_pending.TryRemove(blobName, out var undo)) return false;
        undo.Cancel();
        return true;
    }

    private async Task DeleteLaterAsync(string blobName, CancellationTokenSource undo)
    {
        try
        {
            await Task.Delay(options.Value.DeleteUndoWindow, time, undo.Token);
            // Whoever removes the entry decides: an undo that came first wins, one that comes later finds nothing.
            if (!_pending.TryRemove(KeyValuePair.Create(blobName, undo))) return;
            await actions.DeleteAsync(blobName, CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            LogUndone(blobName);
        }
        catch (Exception ex)
        {
            _pending.TryRemove(KeyValuePair.Create(blobName, undo));
            LogDeleteFailed(ex, blobName);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deletion of {BlobName} undone")]
    private partial void LogUndone(string blobName);

    [LoggerMessage(Level = LogLevel.Error, Message = "Deleting {BlobName} failed; it stays")]
    private partial void LogDeleteFailed(Exception ex, string blobName);
}
