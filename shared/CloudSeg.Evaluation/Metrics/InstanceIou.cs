using CloudSeg.Core.Masks;

namespace CloudSeg.Evaluation.Metrics;

/// <summary>
/// IoU between detections and ground truth with pycocotools' rules: against a crowd region the union is the
/// detection's own area (so a detection inside a crowd region overlaps it fully).
/// </summary>
internal static class InstanceIou
{
    /// <summary>The [detections × ground truths] IoU matrix; empty when either side is empty.</summary>
    public static double[,] Matrix(IReadOnlyList<EvalInstance> detections, IReadOnlyList<EvalInstance> groundTruths, IouType iouType)
    {
        if (detections.Count == 0 || groundTruths.Count == 0)
        {
            return new double[0, 0];
        }
        var ious = new double[detections.Count, groundTruths.Count];
        for (var d = 0; d < detections.Count; d++)
        {
            for (var g = 0; g < groundTruths.Count; g++)
            {
                var gt = groundTruths[g];
                ious[d, g] = iouType == IouType.Bbox
                    ? BoxIou(detections[d].Bbox, gt.Bbox, gt.IsCrowd)
                    : MaskIou(detections[d].Mask!, gt.Mask!, gt.IsCrowd);
            }
        }
        return ious;
    }

    /// <summary>Boxes as [x, y, w, h]; zero when they do not overlap with a positive width and height.</summary>
    public static double BoxIou(double[] dt, double[] gt, bool gtIsCrowd)
    {
        var w = Math.Min(dt[2] + dt[0], gt[2] + gt[0]) - Math.Max(dt[0], gt[0]);
        if (w <= 0)
        {
            return 0;
        }
        var h = Math.Min(dt[3] + dt[1], gt[3] + gt[1]) - Math.Max(dt[1], gt[1]);
        if (h <= 0)
        {
            return 0;
        }
        var intersection = w * h;
        var dtArea = dt[2] * dt[3];
        var union = gtIsCrowd ? dtArea : dtArea + gt[2] * gt[3] - intersection;
        return intersection / union;
    }

    /// <summary>
    /// Mask IoU; an empty mask overlaps nothing, and masks of different sizes get -1 (never a match), as in pycocotools.
    /// </summary>
    public static double MaskIou(RleMask dt, RleMask gt, bool gtIsCrowd)
    {
        if (dt.Area == 0 || gt.Area == 0)
        {
            return 0;
        }
        if (dt.Height != gt.Height || dt.Width != gt.Width)
        {
            return -1;
        }
        return RleMask.IoU(dt, gt, gtIsCrowd);
    }
}
