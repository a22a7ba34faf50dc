using CloudSeg.Storage;
using Microsoft.Extensions.Logging;

namespace CloudSeg.Functions.Processing;

public sealed partial class SegmentImage
{
    private const int MaxCommitAttempts = 4;

    /// <summary>
    /// Records this run's outcome for blob version <paramref name="version"/> — result files first, then the row —
    /// only while that version is still the upload's current one. The row write is conditional on the row as this run
    /// last saw it, and the upload's version is checked before the files and again after the row, so a run that was
    /// overtaken by a delete or a newer version never leaves its outcome behind (<see cref="SupersededAsync"/>).
    /// Returns null when recorded, or the outcome to report instead.
    /// </summary>
    private async Task<SegmentOutcome?> CommitAsync(ImageIndexEntity row, string version, Func<Task> writeResults, Action describe,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await storage.GetUploadVersionAsync(row.BlobName, ct).ConfigureAwait(false);
            if (current != version)
                return await SupersededAsync(row, version, current, touchedResults: attempt > 1, ct).ConfigureAwait(false);
            await writeResults().ConfigureAwait(false);
            describe();
            if (await storage.TryReplaceImageAsync(row, ct).ConfigureAwait(false)) break;
            // Someone wrote the row since this run did (a re-announcement, a duplicate run, a newer version, a delete):
            // check the version again, and if it is still ours write both files and row again over what they wrote.
            if (attempt == MaxCommitAttempts)
                throw new InvalidOperationException($"The index row changed {attempt} times while the result was being recorded.");
            row.ETag = (await storage.GetImageAsync(row.BlobName, ct).ConfigureAwait(false))?.ETag ?? default;
        }
        var after = await storage.GetUploadVersionAsync(row.BlobName, ct).ConfigureAwait(false);
        return after == version ? null : await SupersededAsync(row, version, after, touchedResults: true, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The run for <paramref name="version"/> was overtaken: the upload is gone (<paramref name="current"/> null) or is
    /// now another version. A deleted upload keeps no row or result files. A newer version is processed by its own
    /// event; only when this run may already have written over its files is it announced again, so that the newest
    /// version ends up in the row and result.json without waiting for a scan.
    /// </summary>
    private async Task<SegmentOutcome> SupersededAsync(ImageIndexEntity row, string version, string? current, bool touchedResults,
        CancellationToken ct)
    {
        string reason;
        if (current is null)
        {
            await storage.DeleteResultAsync(row.BlobName, ct).ConfigureAwait(false);
            // Only the row this run read or wrote: a new upload under the same name may have replaced it already.
            await storage.TryDeleteImageAsync(row, ct).ConfigureAwait(false);
            reason = "The upload was deleted while it was processed; its row and results are removed.";
            touchedResults = true; // a new upload under the same name may have lost its files to the delete above
        }
        else
        {
            reason = $"The upload was replaced (version {version} by {current}) while it was processed; the newer version wins.";
        }
        if (touchedResults && await storage.AnnounceCurrentAsync(row.BlobName, ct).ConfigureAwait(false) is { } receipt)
            LogAnnouncedAgain(receipt.ETag);
        LogSuperseded(reason);
        return new SegmentOutcome(SegmentOutcomeKind.Superseded, reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Superseded: {Reason}")]
    private partial void LogSuperseded(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Announced the current version {ETag} again: this run may have written over its results")]
    private partial void LogAnnouncedAgain(string etag);
}
