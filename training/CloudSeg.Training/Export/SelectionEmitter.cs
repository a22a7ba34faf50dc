namespace CloudSeg.Training.Export;

/// <summary>Index selections: boolean filtering, top-k and class-aware (batched) non-maximum suppression.</summary>
public static class SelectionEmitter
{
    /// <summary>int64 [K]: positions where the bool [N] mask is true.</summary>
    public static string Where(OnnxGraphBuilder g, string mask) => g.Squeeze(g.NonZero(mask), 0);

    /// <summary>The first min(n, N) entries of an int64 [N] index vector.</summary>
    public static string Take(OnnxGraphBuilder g, string indices, long n) => g.Slice(indices, 0, n, 0);

    /// <summary>
    /// torchvision.ops.batched_nms: NMS within each group (class, or FPN level), boxes of different groups never
    /// suppress each other; kept indices int64 [K] in decreasing score order. Every group is an ONNX NMS "class" whose
    /// scores are −∞ outside the group (excluded by the score threshold), so IoUs are computed on the real coordinates.
    /// </summary>
    /// <param name="boxes">float [N, 4]</param><param name="scores">float [N]</param>
    /// <param name="groups">int64 [N] in [0, <paramref name="groupCount"/>).</param>
    /// <param name="keepAtMost">How many of the result the caller keeps (its first ones): no group can place more than
    /// that many among them, so each group's NMS stops there and the kept top entries are the same.</param>
    public static string BatchedNms(OnnxGraphBuilder g, string boxes, string scores, string groups, long groupCount, float iouThreshold,
        long keepAtMost = long.MaxValue)
    {
        var groupIds = g.Constant(Enumerable.Range(0, (int)groupCount).Select(i => (long)i).ToArray(), groupCount, 1);
        var inGroup = g.Equal(g.Unsqueeze(groups, 0), groupIds);                      // [G, N]
        var groupScores = g.Where(inGroup, g.Unsqueeze(scores, 0), g.Scalar(float.NegativeInfinity));
        var selected = g.NonMaxSuppression(g.Unsqueeze(boxes, 0), g.Unsqueeze(groupScores, 0), iouThreshold, float.MinValue, keepAtMost);
        var kept = g.Squeeze(g.Slice(selected, 2, 3, 1), 1);                          // group-major
        var (_, order) = g.TopK(g.Gather(scores, kept), g.Dim(kept, 0));             // re-sort all groups by score
        return g.Gather(kept, order);
    }
}
