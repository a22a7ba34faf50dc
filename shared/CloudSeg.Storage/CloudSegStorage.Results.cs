using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace CloudSeg.Storage;

public sealed partial class CloudSegStorage
{
    /// <summary>
    /// The blob of one result file (<see cref="ResultLayout"/> names) of upload <paramref name="blobName"/>; a name
    /// outside <see cref="BlobNamePolicy"/> throws <see cref="InvalidBlobNameException"/>.
    /// </summary>
    public BlobClient ResultBlob(string blobName, string fileName) =>
        Results.GetBlobClient(ResultLayout.FolderOf(BlobNamePolicy.Validate(blobName)) + "/" + fileName);

    /// <summary>
    /// Writes overlay.png and thumb.jpg, then result.json last: a reader that finds result.json finds the pictures too.
    /// </summary>
    public async Task WriteResultAsync(string blobName, ResultDocument result, byte[] overlayPng, byte[] thumbnailJpeg, CancellationToken ct = default)
    {
        await Task.WhenAll(
            UploadBytesAsync(ResultBlob(blobName, ResultLayout.OverlayPng), overlayPng, "image/png", ct),
            UploadBytesAsync(ResultBlob(blobName, ResultLayout.ThumbnailJpeg), thumbnailJpeg, "image/jpeg", ct)).ConfigureAwait(false);
        await UploadBytesAsync(ResultBlob(blobName, ResultLayout.ResultJson), result.ToUtf8Json(), "application/json", ct).ConfigureAwait(false);
    }

    /// <summary>Deletes the result files of upload <paramref name="blobName"/> (result.json first, so no reader finds it without its pictures).</summary>
    public async Task DeleteResultAsync(string blobName, CancellationToken ct = default)
    {
        foreach (var file in new[] { ResultLayout.ResultJson, ResultLayout.OverlayPng, ResultLayout.ThumbnailJpeg })
        {
            await ResultBlob(blobName, file).DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        }
    }

    /// <summary>result.json of upload <paramref name="blobName"/>, or null when there is none (yet).</summary>
    public async Task<ResultDocument?> ReadResultAsync(string blobName, CancellationToken ct = default)
    {
        try
        {
            var download = await ResultBlob(blobName, ResultLayout.ResultJson).DownloadContentAsync(ct).ConfigureAwait(false);
            return ResultDocument.FromJson(download.Value.Content.ToMemory().Span);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private static Task UploadBytesAsync(BlobClient blob, byte[] bytes, string contentType, CancellationToken ct) =>
        blob.UploadAsync(new BinaryData(bytes), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, ct);
}
