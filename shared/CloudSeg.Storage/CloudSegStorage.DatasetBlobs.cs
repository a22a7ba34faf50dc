using Azure.Storage.Blobs.Models;

namespace CloudSeg.Storage;

/// <summary>
/// The blobs of <c>datasets</c>: one folder per split, <c>&lt;split&gt;/annotations.json</c> and
/// <c>&lt;split&gt;/images/&lt;file_name&gt;</c>. Publishing decides what to write; these are the only reads and writes.
/// </summary>
public sealed partial class CloudSegStorage
{
    /// <summary>Blobs fetched at once when downloading: a dataset is hundreds of small pictures, so round trips, not bandwidth, set the pace.</summary>
    private const int DatasetDownloadParallelism = 8;

    /// <summary>Whether <c>datasets</c> holds anything at all (a fresh system's is empty).</summary>
    public async Task<bool> HasDatasetBlobsAsync(CancellationToken ct = default)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        await foreach (var _ in Datasets.GetBlobsAsync(cancellationToken: ct).ConfigureAwait(false))
            return true;
        return false;
    }

    /// <summary>Every blob under <c>&lt;split&gt;/</c> with the MD5 the service stored for it (null when it has none).</summary>
    public async Task<IReadOnlyDictionary<string, byte[]?>> GetDatasetSplitHashesAsync(string split, CancellationToken ct = default)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var hashes = new Dictionary<string, byte[]?>(StringComparer.Ordinal);
        await foreach (var item in Datasets.GetBlobsAsync(BlobTraits.None, BlobStates.None, split + "/", ct).ConfigureAwait(false))
            hashes[item.Name] = item.Properties.ContentHash;
        return hashes;
    }

    /// <summary>Writes one dataset blob (overwriting), storing <paramref name="md5"/> so an unchanged push can skip it.</summary>
    public async Task WriteDatasetBlobAsync(string name, BinaryData content, byte[] md5, string contentType, CancellationToken ct = default)
    {
        await Datasets.GetBlobClient(BlobNamePolicy.Validate(name)).UploadAsync(content,
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType, ContentHash = md5 } }, ct).ConfigureAwait(false);
    }

    public async Task DeleteDatasetBlobAsync(string name, CancellationToken ct = default)
    {
        await Datasets.DeleteBlobIfExistsAsync(BlobNamePolicy.Validate(name), cancellationToken: ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies <c>datasets</c> into <paramref name="target"/> (train/ and val/, each annotations.json + images/),
    /// refusing the whole download when any blob's name <see cref="BlobNamePolicy"/> refuses: it could leave the folder.
    /// </summary>
    /// <returns>How many blobs were downloaded.</returns>
    public async Task<int> DownloadDatasetsAsync(string target, CancellationToken ct = default)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        Directory.CreateDirectory(target);
        var names = new List<string>();
        await foreach (var item in Datasets.GetBlobsAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            // A name the policy accepts has no '.', '..' or empty segment, no leading '/' and no backslash, so it stays below target.
            if (!BlobNamePolicy.TryValidate(item.Name, out var reason))
                throw new InvalidDataException($"Dataset blob '{BlobNamePolicy.Display(item.Name)}' cannot be downloaded: {reason} Rename or remove it.");
            names.Add(item.Name);
        }
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = DatasetDownloadParallelism, CancellationToken = ct },
            async (name, token) =>
            {
                var path = Path.Combine(target, name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await Datasets.GetBlobClient(name).DownloadToAsync(path, token).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return names.Count;
    }
}
