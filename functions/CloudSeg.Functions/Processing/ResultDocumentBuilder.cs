using CloudSeg.Core.Imaging;
using CloudSeg.Functions.Models;
using CloudSeg.Inference;
using CloudSeg.Storage;

namespace CloudSeg.Functions.Processing;

/// <summary>Turns a segmentation into result.json and fills the index row's summary columns from it.</summary>
internal static class ResultDocumentBuilder
{
    public static ResultDocument Build(string blobName, ImageIndexEntity row, ImageInfo info,
        Segmentation segmentation, ModelLease lease, MessageDelivery delivery, Dictionary<string, double> timings) => new()
    {
        Source = new ResultSource(StorageNames.UploadsContainer, blobName, row.SourceETag ?? "", row.ContentType, row.ContentLength ?? 0),
        Image = new ResultImage(segmentation.Width, segmentation.Height, info.Format.ToString().ToLowerInvariant()),
        Model = new ResultModel(lease.Segmenter.Card.Name, lease.Version, lease.Segmenter.ExecutionProvider,
            segmentation.Instances.Any(i => i.MaskIou is not null)),
        Instances = segmentation.Instances.Select(i => new ResultInstance(
            i.CategoryId,
            i.ClassName,
            Math.Round(i.Score, 5),
            i.MaskIou is { } iou ? Math.Round(iou, 5) : null,
            i.Box.ToXywh().Select(v => Math.Round((double)v, 2)).ToArray(),
            i.Mask.Area,
            new ResultRle([i.Mask.Height, i.Mask.Width], i.Mask.ToCompressedString()))).ToList(),
        TimingsMs = timings,
        ProcessedAt = DateTimeOffset.UtcNow,
        Attempt = (int)delivery.DequeueCount,
    };

    /// <summary>Copies the summary the dashboard filters and lists by into the row and marks it succeeded.</summary>
    public static void Describe(ImageIndexEntity row, ResultDocument document, string modelVersion, StageClock stages, double totalMs)
    {
        var byClass = document.Instances.GroupBy(i => i.ClassName)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        row.Status = ImageStatus.Succeeded;
        row.Error = null;
        row.ErrorKind = null;
        row.ProcessedAt = document.ProcessedAt;
        row.Width = document.Image.Width;
        row.Height = document.Image.Height;
        row.InstanceCount = document.Instances.Count;
        row.Classes = string.Join(',', byClass.Select(g => g.Key));
        row.ClassCounts = byClass.ToDictionary(g => g.Key, g => g.Count());
        row.TopScore = document.Instances.Count > 0 ? document.Instances.Max(i => i.Score) : null;
        row.ModelVersion = modelVersion;
        row.ResultFolder = ResultLayout.FolderOf(row.BlobName);
        row.DownloadMs = StageClock.Round(stages["download"]);
        row.DecodeMs = StageClock.Round(stages["decode"]);
        row.InferenceMs = StageClock.Round(stages["segment"]);
        row.RenderMs = StageClock.Round(stages["render"]);
        row.TotalMs = StageClock.Round(totalMs);
    }
}
