using CloudSeg.Core.Coco;

namespace CloudSeg.Evaluation.Metrics;

/// <summary>Mask Scoring R-CNN's rescoring: a detection's mask score is its class score times its predicted mask IoU.</summary>
public static class MaskIouRescoring
{
    /// <summary>The detections with score × mask_iou; those without a mask_iou keep their score.</summary>
    public static IReadOnlyList<CocoResult> Apply(IEnumerable<CocoResult> detections) =>
        detections.Select(d => d.MaskIou is { } maskIou ? d with { Score = d.Score * maskIou } : d).ToArray();

    /// <summary>True when any detection carries a predicted mask IoU, i.e. rescoring would change something.</summary>
    public static bool IsAvailable(IEnumerable<CocoResult> detections) => detections.Any(d => d.MaskIou is not null);
}
