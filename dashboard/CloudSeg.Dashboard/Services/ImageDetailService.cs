using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>Loads one upload's row and result for the detail page.</summary>
public sealed class ImageDetailService(CloudSegStorage storage)
{
    /// <summary>Null when the index has no row for <paramref name="blobName"/>.</summary>
    public async Task<ImageDetail?> GetAsync(string blobName, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        var row = await storage.GetImageAsync(blobName, ct);
        if (row is null) return null;
        // A row under a refused name (recorded before names were checked) has no results folder to read.
        var result = row.Status == ImageStatus.Succeeded && BlobNamePolicy.TryValidate(blobName, out _)
            ? await storage.ReadResultAsync(blobName, ct)
            : null;
        return new ImageDetail(row, result, result is null ? [] : ImageDetail.ToOverlayInstances(result));
    }
}
