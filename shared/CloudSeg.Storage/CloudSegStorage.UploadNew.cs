using Azure;
using Azure.Storage.Blobs.Models;

namespace CloudSeg.Storage;

public sealed partial class CloudSegStorage
{
    /// <summary>
    /// <paramref name="blobName"/> when no upload has that name yet, else the first free "stem-2.ext", "stem-3.ext"…,
    /// so a second file with a common name ("IMG_0001.jpg") is kept beside the first instead of replacing it.
    /// </summary>
    public async Task<string> FreeUploadNameAsync(string blobName, CancellationToken ct = default)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var extension = Path.GetExtension(blobName);
        var stem = blobName[..^extension.Length];
        var candidate = blobName;
        for (var n = 2; await UploadBlob(candidate).ExistsAsync(ct).ConfigureAwait(false); n++)
            candidate = $"{stem}-{n}{extension}";
        return candidate;
    }

    /// <summary>
    /// Like <see cref="UploadImageAsync"/>, but only when no upload has <paramref name="blobName"/> yet: null (nothing
    /// written) when one appeared since the name was chosen, where the other would overwrite it.
    /// </summary>
    public Task<UploadReceipt?> UploadNewImageAsync(string blobName, Stream content, string? contentType = null, CancellationToken ct = default) =>
        StoreUploadAsync(blobName, content, contentType, new BlobRequestConditions { IfNoneMatch = ETag.All }, ct);
}
