using System.Text.Json;
using CloudSeg.Core.Coco;
using CloudSeg.Evaluation.Coco;

namespace CloudSeg.Evaluation.Metrics;

/// <summary>One evaluated configuration: an IoU type, with or without MaskIoU rescoring.</summary>
public sealed record EvaluationColumn(IouType IouType, bool Rescored, CocoEvalSummary Summary)
{
    /// <summary>"bbox", "segm", "bbox_rescored", "segm_rescored".</summary>
    public string Name => (IouType == IouType.Bbox ? "bbox" : "segm") + (Rescored ? "_rescored" : "");
}

/// <summary>
/// COCO AP for the requested IoU types; when any detection carries a predicted mask IoU, also with the
/// detections rescored by it (score × mask_iou), side by side.
/// </summary>
public sealed record EvaluationReport(IReadOnlyList<EvaluationColumn> Columns)
{
    public static EvaluationReport Evaluate(CocoDataset groundTruth, IReadOnlyList<CocoResult> detections, IReadOnlyList<IouType> iouTypes)
    {
        var columns = iouTypes.Select(t => new EvaluationColumn(t, false, CocoEvaluator.Evaluate(groundTruth, detections, t))).ToList();
        if (MaskIouRescoring.IsAvailable(detections))
        {
            var rescored = MaskIouRescoring.Apply(detections);
            columns.AddRange(iouTypes.Select(t => new EvaluationColumn(t, true, CocoEvaluator.Evaluate(groundTruth, rescored, t))));
        }
        return new EvaluationReport(columns);
    }

    /// <summary>{"bbox": {"AP": .., "AP50": .., ...}, "segm": {...}, "segm_rescored": {...}}</summary>
    public async Task WriteJsonAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var json = Columns.ToDictionary(c => c.Name, c => c.Summary.ToDictionary());
        await JsonSerializer.SerializeAsync(stream, json, new JsonSerializerOptions { WriteIndented = true }, cancellationToken);
    }
}
