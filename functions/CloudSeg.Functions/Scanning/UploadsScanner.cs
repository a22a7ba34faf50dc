using System.Collections.Concurrent;
using CloudSeg.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Scanning;

/// <summary>
/// Finds uploads that no event announced (copied in with Storage Explorer, azcopy, or while nothing listened) and
/// announces them with the same BlobCreated message an upload gets. Also re-announces rows stuck in queued/processing
/// for longer than <see cref="FunctionsOptions.StuckAfter"/> (an announcement lost between row and message): duplicate
/// messages are harmless because processing is idempotent.
/// Each pass lists the container once; the index is read per blob only for versions this scanner has not seen indexed
/// yet, and stuck rows come from a server-side filter, so a pass over 100,000 settled uploads reads no rows.
/// </summary>
public sealed partial class UploadsScanner(
    CloudSegStorage storage,
    IOptions<FunctionsOptions> options,
    TimeProvider time,
    ILogger<UploadsScanner> logger)
{
    private readonly ConcurrentDictionary<string, string> _indexedVersions = new(StringComparer.Ordinal);

    /// <summary>One pass over the uploads container. Returns how many blobs were announced.</summary>
    public async Task<int> ScanAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var announced = 0;
        await foreach (var blob in storage.ListUploadsAsync(ct).ConfigureAwait(false))
        {
            var etag = BlobVersion.Of(blob.Properties.ETag);
            if (_indexedVersions.TryGetValue(blob.Name, out var known) && known == etag) continue;
            if (!BlobNamePolicy.TryValidate(blob.Name, out var refusal))
            {
                // Stored by some other tool under a name no entry accepts: never announced, logged once per version.
                _indexedVersions[blob.Name] = etag;
                LogRefused(BlobNamePolicy.Display(blob.Name), refusal);
                continue;
            }
            var row = await storage.GetImageAsync(blob.Name, ct).ConfigureAwait(false);
            if (row?.SourceETag == etag)
            {
                _indexedVersions[blob.Name] = etag;
                continue;
            }
            await storage.AnnounceAsync(blob.Name, etag, blob.Properties.ContentType, blob.Properties.ContentLength ?? 0,
                blob.Properties.LastModified ?? now, ct).ConfigureAwait(false);
            _indexedVersions[blob.Name] = etag;
            LogAnnounced(blob.Name, row is null ? "no index row" : "blob changed since it was indexed");
            announced++;
        }
        return announced + await AnnounceStuckAsync(now, ct).ConfigureAwait(false);
    }

    private async Task<int> AnnounceStuckAsync(DateTimeOffset now, CancellationToken ct)
    {
        var announced = 0;
        var before = now - options.Value.StuckAfter;
        foreach (var status in new[] { ImageStatus.Queued, ImageStatus.Processing })
        {
            var stuck = new List<ImageIndexEntity>();
            await foreach (var row in storage.QueryImagesAsync(new ImageQuery { Status = status }, ct: ct).ConfigureAwait(false))
            {
                // A stray row under a refused name has no blob to announce; the failures page can delete it.
                if (row.QueuedAt is { } queuedAt && queuedAt < before && row.SourceETag is not null
                    && BlobNamePolicy.TryValidate(row.BlobName, out _)) stuck.Add(row);
            }
            foreach (var row in stuck)
            {
                await storage.AnnounceAsync(row.BlobName, row.SourceETag!, row.ContentType, row.ContentLength ?? 0,
                    row.UploadedAt ?? now, ct).ConfigureAwait(false);
                LogAnnounced(row.BlobName, $"{status} since {row.QueuedAt:u}");
                announced++;
            }
        }
        return announced;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scanner skips {BlobName}: {Reason}")]
    private partial void LogRefused(string blobName, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scanner announced {BlobName}: {Reason}")]
    private partial void LogAnnounced(string blobName, string reason);
}
