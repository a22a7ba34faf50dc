namespace CloudSeg.Evaluation.Metrics;

/// <summary>
/// The matching of one image's detections of one category against its ground truth, in one area range
/// (pycocotools' <c>evaluateImg</c>). Detections are in descending score order, at most the largest maxDets.
/// </summary>
internal sealed class ImageEvaluation
{
    private ImageEvaluation(double[] detectionScores, bool[,] detectionMatched, bool[,] detectionIgnored, bool[] groundTruthIgnored)
    {
        DetectionScores = detectionScores;
        DetectionMatched = detectionMatched;
        DetectionIgnored = detectionIgnored;
        GroundTruthIgnored = groundTruthIgnored;
    }

    public double[] DetectionScores { get; }

    /// <summary>[threshold, detection]: matched to a ground truth at that IoU threshold.</summary>
    public bool[,] DetectionMatched { get; }

    /// <summary>[threshold, detection]: neither true nor false positive (matched to an ignored object, or outside the area range).</summary>
    public bool[,] DetectionIgnored { get; }

    public bool[] GroundTruthIgnored { get; }

    /// <param name="groundTruths">In file order.</param>
    /// <param name="scoreSortedDetections">Sorted by descending score (stable), truncated to the largest maxDets.</param>
    /// <param name="ious">[detection, ground truth] for exactly those two lists.</param>
    /// <returns>null when the image has neither ground truth nor detections of this category.</returns>
    public static ImageEvaluation? Evaluate(
        IReadOnlyList<EvalInstance> groundTruths,
        IReadOnlyList<EvalInstance> scoreSortedDetections,
        double[,] ious,
        AreaRange areaRange,
        IReadOnlyList<double> iouThresholds)
    {
        if (groundTruths.Count == 0 && scoreSortedDetections.Count == 0)
        {
            return null;
        }

        // Ignored ground truth goes last (stable), so a detection prefers a real object over an ignored one.
        var order = Enumerable.Range(0, groundTruths.Count)
            .OrderBy(g => IsIgnored(groundTruths[g], areaRange) ? 1 : 0)
            .ToArray();
        var gts = order.Select(g => groundTruths[g]).ToArray();
        var gtIgnored = gts.Select(g => IsIgnored(g, areaRange)).ToArray();
        var dts = scoreSortedDetections;

        var thresholds = iouThresholds.Count;
        var gtMatched = new bool[thresholds, gts.Length];
        var dtMatched = new bool[thresholds, dts.Count];
        var dtIgnored = new bool[thresholds, dts.Count];
        var hasIous = ious.Length > 0;
        for (var t = 0; hasIous && t < thresholds; t++)
        {
            for (var d = 0; d < dts.Count; d++)
            {
                var best = Math.Min(iouThresholds[t], 1 - 1e-10);
                var match = -1;
                for (var g = 0; g < gts.Length; g++)
                {
                    // A crowd region can absorb any number of detections; a regular object only one.
                    if (gtMatched[t, g] && !gts[g].IsCrowd)
                    {
                        continue;
                    }
                    // Already matched a real object, and only ignored ones remain: stop.
                    if (match > -1 && !gtIgnored[match] && gtIgnored[g])
                    {
                        break;
                    }
                    var iou = ious[d, order[g]];
                    if (iou < best)
                    {
                        continue;
                    }
                    best = iou;
                    match = g;
                }
                if (match == -1)
                {
                    continue;
                }
                dtIgnored[t, d] = gtIgnored[match];
                // pycocotools records the matched id, and an id of 0 reads as "unmatched"; keep that quirk.
                dtMatched[t, d] = gts[match].Id != 0;
                gtMatched[t, match] = true;
            }
        }

        // Unmatched detections outside the area range are not false positives of this range.
        for (var d = 0; d < dts.Count; d++)
        {
            if (areaRange.Contains(dts[d].Area))
            {
                continue;
            }
            for (var t = 0; t < thresholds; t++)
            {
                dtIgnored[t, d] |= !dtMatched[t, d];
            }
        }

        return new ImageEvaluation(dts.Select(d => d.Score).ToArray(), dtMatched, dtIgnored, gtIgnored);
    }

    private static bool IsIgnored(EvalInstance groundTruth, AreaRange areaRange) =>
        groundTruth.IsCrowd || !areaRange.Contains(groundTruth.Area);
}
