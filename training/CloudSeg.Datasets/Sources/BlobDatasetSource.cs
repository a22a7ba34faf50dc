using Azure;
using Azure.Storage.Blobs;
using CloudSeg.Evaluation.Coco;
using CloudSeg.Evaluation.Sources;

namespace CloudSeg.Datasets.Sources;

/// <summary>
/// A COCO dataset in a blob container, laid out like a dataset folder: <c>&lt;prefix&gt;annotations.json</c> and
/// <c>&lt;prefix&gt;images/&lt;file_name&gt;</c>. Training jobs read their data from storage through this.
/// </summary>
public sealed class BlobDatasetSource : IDatasetSource
{
    private readonly BlobContainerClient container;
    private readonly string prefix;

    /// <param name="prefix">Folder inside the container ("" or e.g. "shapes/train/").</param>
    public BlobDatasetSource(BlobContainerClient container, string prefix = "")
    {
        this.container = container;
        this.prefix = prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";
    }

    public string Location => $"{container.Uri}/{prefix}";

    public async Task<CocoDataset> ReadAnnotationsAsync(CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(prefix + FolderDatasetSource.AnnotationsFileName);
        try
        {
            await using var stream = await blob.OpenReadAsync(cancellationToken: cancellationToken);
            return await CocoDatasetJson.ReadAsync(stream, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FileNotFoundException($"No {FolderDatasetSource.AnnotationsFileName} at {blob.Uri}.", blob.Uri.ToString(), e);
        }
    }

    public async Task<byte[]> ReadImageAsync(string fileName, CancellationToken cancellationToken = default)
    {
        // Blob names are flat strings, but keep file_name from addressing anything outside the images "folder".
        if (fileName.StartsWith('/') || fileName.Split('/', '\\').Contains(".."))
        {
            throw new InvalidDataException($"Image file name '{fileName}' points outside the images folder.");
        }
        var blob = container.GetBlobClient($"{prefix}{FolderDatasetSource.ImagesFolderName}/{fileName}");
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new FileNotFoundException($"Image '{fileName}' not found at {blob.Uri}.", blob.Uri.ToString(), e);
        }
    }
}
