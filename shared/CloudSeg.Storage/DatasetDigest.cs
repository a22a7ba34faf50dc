using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;

namespace CloudSeg.Storage;

/// <summary>
/// A fingerprint of the labelled data: SHA-256 over every blob's name and ETag in <c>datasets</c>. Any upload, overwrite
/// or delete changes it, without reading a byte of the data.
/// </summary>
public static class DatasetDigest
{
    public static async Task<DatasetSnapshot> ComputeAsync(BlobContainerClient datasets, CancellationToken ct = default)
    {
        var entries = new List<string>();
        await foreach (var item in datasets.GetBlobsAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            entries.Add($"{item.Name}\n{item.Properties.ETag}");
        }
        entries.Sort(StringComparer.Ordinal);
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", entries))));
        return new DatasetSnapshot(digest, entries.Count);
    }
}

/// <summary>The digest and how many blobs went into it (0 = no labelled data at all).</summary>
public sealed record DatasetSnapshot(string Digest, int BlobCount);
