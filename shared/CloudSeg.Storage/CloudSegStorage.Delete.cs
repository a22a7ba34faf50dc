using Azure;
using Azure.Storage.Blobs.Models;

namespace CloudSeg.Storage;

public sealed partial class CloudSegStorage
{
    /// <summary>
    /// Deletes upload <paramref name="blobName"/>: its blob, every file in its result folder and its index row; missing
    /// pieces are skipped. A row recorded under a name outside <see cref="BlobNamePolicy"/> (before names were checked)
    /// has no blob of its own, and the name must not reach a blob client, where '..' addresses another container: only
    /// the row goes, and the result is false.
    /// </summary>
    public async Task<bool> DeleteUploadAsync(string blobName, CancellationToken ct = default)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        if (!BlobNamePolicy.TryValidate(blobName, out _))
        {
            await DeleteImageRowAsync(blobName, ct).ConfigureAwait(false);
            return false;
        }
        await UploadBlob(blobName).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct).ConfigureAwait(false);
        var folder = ResultLayout.FolderOf(blobName) + "/";
        await foreach (var item in Results.GetBlobsAsync(BlobTraits.None, BlobStates.None, folder, ct).ConfigureAwait(false))
        {
            // Only the files directly in this upload's folder: "a.jpg/" must not take "a.jpg/b.jpg/" (another upload) with it.
            if (item.Name.IndexOf('/', folder.Length) < 0)
                await Results.GetBlobClient(item.Name).DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        }
        await DeleteImageRowAsync(blobName, ct).ConfigureAwait(false);
        return true;
    }

    private async Task DeleteImageRowAsync(string blobName, CancellationToken ct)
    {
        try
        {
            await Images.DeleteEntityAsync(StorageNames.UploadsContainer, TableKeys.EncodeBlobName(blobName), ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }
}
