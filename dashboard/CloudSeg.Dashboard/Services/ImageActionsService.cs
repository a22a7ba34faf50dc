using Azure;
using Azure.Storage.Blobs.Models;
using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// Write actions on one upload: retry (announce the current blob version again) and delete (blob, results, index row).
/// Deleting a row needs the Table client directly; the storage facade has no delete because only the dashboard deletes.
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
        await storage.EnsureCreatedAsync(ct);
        if (!BlobNamePolicy.TryValidate(blobName, out var reason))
        {
            // A row recorded under a name outside the policy (before names were checked) has no blob of its own: the
            // name must not reach a blob client, where '..' addresses another container. Only the row goes.
            await storage.Images.DeleteEntityAsync(StorageNames.UploadsContainer, TableKeys.EncodeBlobName(blobName), ETag.All, ct);
            logger.LogWarning("Deleted the index row {BlobName} only; its name is refused: {Reason}", BlobNamePolicy.Display(blobName), reason);
            return;
        }
        await storage.UploadBlob(blobName).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct);
        var folder = ResultLayout.FolderOf(blobName) + "/";
        await foreach (var item in storage.Results.GetBlobsAsync(BlobTraits.None, BlobStates.None, folder, ct))
        {
            // Only the files directly in this upload's folder: "a.jpg/" must not take "a.jpg/b.jpg/" (another upload) with it.
            if (item.Name.IndexOf('/', folder.Length) < 0)
                await storage.Results.GetBlobClient(item.Name).DeleteIfExistsAsync(cancellationToken: ct);
        }
        await storage.Images.DeleteEntityAsync(StorageNames.UploadsContainer, TableKeys.EncodeBlobName(blobName), ETag.All, ct);
        logger.LogInformation("Deleted {BlobName}: upload, results and index row", blobName);
    }
}
