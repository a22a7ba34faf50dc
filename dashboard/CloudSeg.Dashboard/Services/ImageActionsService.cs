using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// Write actions on one upload: retry (announce the current blob version again) and delete (blob, results, index row).
/// </summary>
public sealed class ImageActionsService(CloudSegStorage storage, ILogger<ImageActionsService> logger)
{
    /// <summary>
    /// Queues the upload again, counting on its tries; false when its blob no longer exists (nothing left to retry). A
    /// name outside <see cref="BlobNamePolicy"/> throws <see cref="InvalidBlobNameException"/>, bad input
    /// <see cref="InvalidOperationException"/>, each with the reason, before anything is queued.
    /// </summary>
    public async Task<bool> RetryAsync(string blobName, CancellationToken ct)
    {
        BlobNamePolicy.Validate(blobName);
        if (await storage.RetryImageAsync(blobName, ct) is not { } receipt) return false;
        logger.LogInformation("Retry of {BlobName} queued as message {MessageId}", blobName, receipt.MessageId);
        return true;
    }

    /// <summary>Removes the upload, every result file and the index row; missing pieces are skipped.</summary>
    public async Task DeleteAsync(string blobName, CancellationToken ct)
    {
        if (await storage.DeleteUploadAsync(blobName, ct))
            logger.LogInformation("Deleted {BlobName}: upload, results and index row", blobName);
        else
            logger.LogWarning("Deleted the index row {BlobName} only; its name is refused by the blob name policy", BlobNamePolicy.Display(blobName));
    }
}
