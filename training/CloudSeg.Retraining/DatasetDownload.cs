using Azure.Storage.Blobs;

namespace CloudSeg.Retraining;

/// <summary>
/// Copies the <c>datasets</c> container into a local folder (train/ and val/, each annotations.json + images/),
/// refusing any blob whose name would leave the folder.
/// </summary>
public static class DatasetDownload
{
    /// <summary>Blobs fetched at once: a dataset is hundreds of small pictures, so round trips, not bandwidth, set the pace.</summary>
    private const int Parallelism = 8;

    /// <returns>How many blobs were downloaded.</returns>
    public static async Task<int> DownloadAsync(BlobContainerClient datasets, string target, CancellationToken ct)
    {
        Directory.CreateDirectory(target);
        var root = Path.GetFullPath(target) + Path.DirectorySeparatorChar;
        var names = new List<string>();
        await foreach (var item in datasets.GetBlobsAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            var path = Path.GetFullPath(Path.Combine(target, item.Name));
            if (!path.StartsWith(root, StringComparison.Ordinal))
                throw new InvalidDataException($"Dataset blob '{item.Name}' names a path outside the dataset; rename or remove it.");
            names.Add(item.Name);
        }
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (name, token) =>
        {
            var path = Path.Combine(target, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await datasets.GetBlobClient(name).DownloadToAsync(path, token).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return names.Count;
    }
}
