using Azure.Storage.Blobs;

namespace CloudSeg.Retraining;

/// <summary>
/// Copies the <c>datasets</c> container into a local folder (train/ and val/, each annotations.json + images/),
/// refusing any blob whose name would leave the folder.
/// </summary>
public static class DatasetDownload
{
    /// <returns>How many blobs were downloaded.</returns>
    public static async Task<int> DownloadAsync(BlobContainerClient datasets, string target, CancellationToken ct)
    {
        Directory.CreateDirectory(target);
        var root = Path.GetFullPath(target) + Path.DirectorySeparatorChar;
        int count = 0;
        await foreach (var item in datasets.GetBlobsAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            var path = Path.GetFullPath(Path.Combine(target, item.Name));
            if (!path.StartsWith(root, StringComparison.Ordinal))
                throw new InvalidDataException($"Dataset blob '{item.Name}' names a path outside the dataset; rename or remove it.");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await datasets.GetBlobClient(item.Name).DownloadToAsync(path, ct).ConfigureAwait(false);
            count++;
        }
        return count;
    }
}
