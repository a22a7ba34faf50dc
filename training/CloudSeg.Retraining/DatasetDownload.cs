using Azure.Storage.Blobs;
using CloudSeg.Storage;

namespace CloudSeg.Retraining;

/// <summary>
/// Copies the <c>datasets</c> container into a local folder (train/ and val/, each annotations.json + images/),
/// refusing any blob whose name <see cref="BlobNamePolicy"/> refuses (it could leave the folder).
/// </summary>
public static class DatasetDownload
{
    /// <summary>Blobs fetched at once: a dataset is hundreds of small pictures, so round trips, not bandwidth, set the pace.</summary>
    private const int Parallelism = 8;

    /// <returns>How many blobs were downloaded.</returns>
    public static async Task<int> DownloadAsync(BlobContainerClient datasets, string target, CancellationToken ct)
    {
        Directory.CreateDirectory(target);
        var names = new List<string>();
        await foreach (var item in datasets.GetBlobsAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            // A name the policy accepts has no '.', '..' or empty segment, no leading '/' and no backslash, so it stays below target.
            if (!BlobNamePolicy.TryValidate(item.Name, out var reason))
                throw new InvalidDataException($"Dataset blob '{BlobNamePolicy.Display(item.Name)}' cannot be downloaded: {reason} Rename or remove it.");
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
