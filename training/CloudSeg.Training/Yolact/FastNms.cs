using CloudSeg.Training.Ops;
using static TorchSharp.torch;

namespace CloudSeg.Training.Yolact;

/// <summary>
/// YOLACT's Fast NMS (sec. 3.4): per class, the top-k candidates by score, their pairwise IoU matrix with the lower
/// triangle and diagonal zeroed, and a candidate kept when no higher-scored one of its class overlaps it by more than
/// the threshold (column max ≤ t). Unlike greedy NMS, an already-suppressed box may still suppress others — the
/// paper's trade of a little accuracy for a fully parallel step.
/// </summary>
public static class FastNms
{
    /// <param name="boxes">(P, 4) decoded boxes.</param>
    /// <param name="scores">(P, C) class probabilities without the background column.</param>
    /// <returns>Indices into the P candidates, their class (0-based, background excluded) and score, best first.</returns>
    public static (Tensor Indices, Tensor Classes, Tensor Scores) Apply(Tensor boxes, Tensor scores, double scoreThreshold,
        double iouThreshold, int topK, int maxDetections)
    {
        using var scope = NewDisposeScope();
        var classes = scores.shape[1];
        var k = Math.Min(topK, scores.shape[0]);
        // (C, k): each class's best candidates.
        var (topScores, topIndices) = scores.t().topk((int)k, dim: 1);
        var classBoxes = boxes.index_select(0, topIndices.flatten()).view(classes, k, 4);
        var iou = stack(Enumerable.Range(0, (int)classes).Select(c => BoxOps.BoxIou(classBoxes[c], classBoxes[c])).ToArray());
        var overlaps = iou.triu(1).max(1).values;
        var keep = (overlaps <= iouThreshold).logical_and_(topScores > scoreThreshold);

        var keptScores = topScores[keep];
        var keptIndices = topIndices[keep];
        var keptClasses = arange(classes).unsqueeze(1).expand(classes, k)[keep];
        var order = keptScores.argsort(descending: true);
        if (order.shape[0] > maxDetections) order = order[..maxDetections];
        return (keptIndices[order].MoveToOuterDisposeScope(), keptClasses[order].MoveToOuterDisposeScope(), keptScores[order].MoveToOuterDisposeScope());
    }
}
