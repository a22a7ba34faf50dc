using CloudSeg.Core.Coco;
using CloudSeg.Core.Imaging;
using CloudSeg.Evaluation.Metrics;
using CloudSeg.Evaluation.Sources;
using CloudSeg.Inference;

namespace CloudSeg.Retraining;

/// <summary>A model's COCO evaluation on the validation split and the mask AP the promotion rule compares.</summary>
public sealed record ValidationScore(EvaluationReport Report, double MaskAp, int Images);

/// <summary>
/// The one yardstick for candidate and current model: both packages run through the inference engine (as serving
/// runs them) over the same validation split, every detection down to a low score kept, and scored with COCO AP.
/// The compared figure is the mask AP with MaskIoU rescoring when the model predicts mask IoU (serving rescores by
/// default), else the plain mask AP. Model classes are matched to the split's categories by name; classes the split
/// does not have are not counted.
/// </summary>
public static class ValidationScoring
{
    public static async Task<ValidationScore> ScoreAsync(string packageDirectory, string validationFolder, float scoreThreshold,
        int threads, CancellationToken ct)
    {
        var source = FolderDatasetSource.Open(validationFolder);
        var groundTruth = await source.ReadAnnotationsAsync(ct).ConfigureAwait(false);
        var categoryByName = groundTruth.Categories.GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
        using var segmenter = SegmenterFactory.Load(packageDirectory, new SegmenterOptions
        {
            ScoreThreshold = scoreThreshold, UseMaskIouRescoring = false, IntraOpThreads = threads,
        });
        var results = new List<CocoResult>();
        foreach (var image in groundTruth.Images)
        {
            var bytes = await source.ReadImageAsync(image.FileName, ct).ConfigureAwait(false);
            var decoded = ImageDecoder.Decode(bytes);
            var segmentation = await segmenter.SegmentAsync(decoded, ct: ct).ConfigureAwait(false);
            foreach (var instance in segmentation.Instances)
            {
                if (categoryByName.TryGetValue(instance.ClassName, out var categoryId))
                    results.Add(CocoResult.From(image.Id, categoryId, instance.Box, instance.Score, instance.Mask, instance.MaskIou));
            }
        }
        var report = EvaluationReport.Evaluate(groundTruth, results, [IouType.Bbox, IouType.Segm]);
        var mask = report.Columns.FirstOrDefault(c => c is { IouType: IouType.Segm, Rescored: true })
            ?? report.Columns.First(c => c is { IouType: IouType.Segm, Rescored: false });
        return new ValidationScore(report, mask.Summary.AP, groundTruth.Images.Count);
    }
}
