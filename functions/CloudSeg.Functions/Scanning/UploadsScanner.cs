using CloudSeg.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Scanning;

/// <summary>
/// Finds uploads that no event announced (copied in with Storage Explorer, azcopy, or while nothing listened) and
/// announces them with the same BlobCreated message an upload gets. Also re-announces rows stuck in queued/processing
/// for longer than <see cref="FunctionsOptions.StuckAfter"/> (an announcement lost between row and message): duplicate
/// messages are harmless because processing is idempotent.
/// </summary>
public sealed partial class UploadsScanner(
    CloudSegStorage storage,
    IOptions<FunctionsOptions> options,
    TimeProvider time,
    ILogger<UploadsScanner> logger)
{
    private static readonly string[] ScanColumns =
        [nameof(ImageIndexEntity.BlobName), nameof(ImageIndexEntity.SourceETag), nameof(ImageIndexEntity.Status), nameof(ImageIndexEntity.QueuedAt)];

    /// <summary>One pass over the uploads container. Returns how many blobs were announced.</summary>
    public async Task<int> ScanAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct).ConfigureAwait(false);
        var known = new Dictionary<string, ImageIndexEntity>(StringComparer.Ordinal);
        await foreach (var row in storage.QueryImagesAsync(new ImageQuery(), ScanColumns, ct).ConfigureAwait(false))
        {
            known[row.BlobName] = row;
        }

        var now = time.GetUtcNow();
        var announced = 0;
        await foreach (var blob in storage.Uploads.GetBlobsAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            var etag = BlobVersion.Of(blob.Properties.ETag);
            var reason = known.TryGetValue(blob.Name, out var row) ? WhyAnnounce(row, etag, now) : "no index row";
            if (reason is null) continue;
            await storage.AnnounceAsync(blob.Name, etag, blob.Properties.ContentType, blob.Properties.ContentLength ?? 0,
                blob.Properties.LastModified ?? now, ct).ConfigureAwait(false);
            LogAnnounced(blob.Name, reason);
            announced++;
        }
        return announced;
    }

    private string? WhyAnnounce(ImageIndexEntity row, string etag, DateTimeOffset now)
    {
        if (row.SourceETag != etag) return "blob changed since it was indexed";
        var waiting = row.Status is ImageStatus.Queued or ImageStatus.Processing;
        if (waiting && row.QueuedAt is { } queuedAt && now - queuedAt > options.Value.StuckAfter) return $"{row.Status} since {queuedAt:u}";
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scanner announced {BlobName}: {Reason}")]
    private partial void LogAnnounced(string blobName, string reason);
}
