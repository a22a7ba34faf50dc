using System.Security.Cryptography;
using CloudSeg.Evaluation.Sources;
using CloudSeg.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudSeg.Datasets.Publishing;

/// <summary>What one push changed in the split.</summary>
public sealed record DatasetPushResult(string Split, int Uploaded, int Unchanged, int Deleted);

/// <summary>
/// Publishes a validated dataset folder as one split of the <c>datasets</c> container: <c>&lt;split&gt;/annotations.json</c>
/// and <c>&lt;split&gt;/images/&lt;file_name&gt;</c>, the layout the training job reads.
/// </summary>
/// <remarks>
/// Order is what keeps a split whole: nothing is written before the whole folder validated; images go first (an image
/// whose bytes the container already holds is skipped by its MD5); <c>annotations.json</c>, which is what the trainer
/// reads to find images, goes last, so it never names an image that is not there yet; images the new annotations no
/// longer name are deleted only after that. If the push stops part-way, the split keeps its previous annotations and
/// pushing again finishes the job (unchanged images are skipped).
/// </remarks>
public sealed partial class DatasetPublisher(CloudSegStorage storage, ILogger<DatasetPublisher>? logger = null)
{
    /// <summary>The splits the training job reads.</summary>
    public static IReadOnlyList<string> Splits { get; } = ["train", "val"];

    private const int ParallelUploads = 4;
    private readonly ILogger _logger = logger ?? NullLogger<DatasetPublisher>.Instance;

    /// <param name="progress">Called after each image with the number handled so far.</param>
    public async Task<DatasetPushResult> PushAsync(string split, DatasetCheck check, IProgress<int>? progress = null, CancellationToken ct = default)
    {
        if (!Splits.Contains(split)) throw new ArgumentException($"The split must be one of {string.Join(", ", Splits)}, not '{split}'.", nameof(split));
        if (!check.IsValid) throw new InvalidOperationException($"The dataset in {check.Folder} did not validate; it is not published.");
        var existing = await storage.GetDatasetSplitHashesAsync(split, ct).ConfigureAwait(false);

        var uploaded = 0;
        var unchanged = 0;
        var done = 0;
        var keep = new HashSet<string>(StringComparer.Ordinal) { $"{split}/{FolderDatasetSource.AnnotationsFileName}" };
        foreach (var image in check.Coco!.Images) keep.Add(ImageBlobName(split, image.FileName));

        await Parallel.ForEachAsync(check.Coco.Images, new ParallelOptions { MaxDegreeOfParallelism = ParallelUploads, CancellationToken = ct },
            async (image, token) =>
            {
                var name = ImageBlobName(split, image.FileName);
                var bytes = await File.ReadAllBytesAsync(Path.Combine(check.ImagesFolder, image.FileName), token).ConfigureAwait(false);
                var md5 = MD5.HashData(bytes);
                if (existing.GetValueOrDefault(name) is { } stored && stored.AsSpan().SequenceEqual(md5))
                {
                    Interlocked.Increment(ref unchanged);
                }
                else
                {
                    await storage.WriteDatasetBlobAsync(name, new BinaryData(bytes), md5, ContentTypes.FromFileName(image.FileName), token).ConfigureAwait(false);
                    Interlocked.Increment(ref uploaded);
                }
                progress?.Report(Interlocked.Increment(ref done));
            }).ConfigureAwait(false);

        var annotations = await File.ReadAllBytesAsync(check.AnnotationsPath, ct).ConfigureAwait(false);
        await storage.WriteDatasetBlobAsync($"{split}/{FolderDatasetSource.AnnotationsFileName}", new BinaryData(annotations), MD5.HashData(annotations),
            "application/json", ct).ConfigureAwait(false);

        var deleted = 0;
        foreach (var stale in existing.Keys.Where(n => !keep.Contains(n)))
        {
            await storage.DeleteDatasetBlobAsync(stale, ct).ConfigureAwait(false);
            deleted++;
        }
        LogPublished(split, check.Folder, uploaded, unchanged, deleted);
        return new DatasetPushResult(split, uploaded, unchanged, deleted);
    }

    public static string ImageBlobName(string split, string fileName) => $"{split}/{FolderDatasetSource.ImagesFolderName}/{fileName}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Published split {Split} from {Folder}: {Uploaded} uploaded, {Unchanged} unchanged, {Deleted} deleted")]
    private partial void LogPublished(string split, string folder, int uploaded, int unchanged, int deleted);
}
