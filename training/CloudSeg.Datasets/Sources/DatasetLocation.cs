using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using CloudSeg.Evaluation.Sources;

namespace CloudSeg.Datasets.Sources;

/// <summary>Opens a dataset named by one string, as a command line or a job's settings give it.</summary>
public static class DatasetLocation
{
    /// <summary>
    /// <c>https://account.blob.core.windows.net/container/prefix</c> (optionally with a SAS query; otherwise signed in
    /// with <paramref name="credential"/>, by default <see cref="DefaultAzureCredential"/>) opens a
    /// <see cref="BlobDatasetSource"/>; anything else is a local dataset folder or annotations file.
    /// </summary>
    public static IDatasetSource Open(string location, TokenCredential? credential = null)
    {
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return FolderDatasetSource.Open(location);
        }
        var parts = new BlobUriBuilder(uri);
        if (string.IsNullOrEmpty(parts.BlobContainerName))
        {
            throw new ArgumentException($"The dataset URL {uri.GetLeftPart(UriPartial.Path)} names no container.", nameof(location));
        }
        var prefix = parts.BlobName ?? "";
        parts.BlobName = null;
        var container = string.IsNullOrEmpty(uri.Query)
            ? new BlobContainerClient(parts.ToUri(), credential ?? new DefaultAzureCredential())
            : new BlobContainerClient(parts.ToUri());
        return new BlobDatasetSource(container, prefix);
    }
}
