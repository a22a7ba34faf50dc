namespace CloudSeg.Core.Geometry;

/// <summary>
/// Greedy non-maximum suppression with torchvision.ops.nms semantics: boxes are visited in descending score
/// order (a stable sort, so equal scores keep their input order); each kept box suppresses every later box whose
/// IoU with it is strictly greater than the threshold. Returned indices are in that score order.
/// </summary>
public static class NonMaxSuppression
{
    public static int[] Apply(IReadOnlyList<BoxF> boxes, IReadOnlyList<float> scores, float iouThreshold) =>
        Run(boxes, scores, classes: null, iouThreshold);

    /// <summary>
    /// Class-aware NMS (torchvision.ops.batched_nms): boxes only suppress boxes of the same class.
    /// Kept indices are in descending score order across all classes.
    /// </summary>
    public static int[] BatchedApply(IReadOnlyList<BoxF> boxes, IReadOnlyList<float> scores, int[] classes, float iouThreshold)
    {
        ArgumentNullException.ThrowIfNull(classes);
        return Run(boxes, scores, classes, iouThreshold);
    }

    private static int[] Run(IReadOnlyList<BoxF> boxes, IReadOnlyList<float> scores, int[]? classes, float iouThreshold)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(scores);
        var n = boxes.Count;
        if (scores.Count != n || (classes is not null && classes.Length != n))
            throw new ArgumentException($"boxes ({n}), scores ({scores.Count}) and classes ({classes?.Length}) must have the same length.");

        var order = ScoreOrder(scores);
        var areas = new float[n];
        for (var i = 0; i < n; i++)
        {
            var b = boxes[i];
            // Not clamped: torchvision multiplies the raw width and height.
            areas[i] = (b.X2 - b.X1) * (b.Y2 - b.Y1);
        }

        var suppressed = new bool[n];
        var kept = new List<int>();
        for (var oi = 0; oi < n; oi++)
        {
            var i = order[oi];
            if (suppressed[i]) continue;
            kept.Add(i);
            var a = boxes[i];
            for (var oj = oi + 1; oj < n; oj++)
            {
                var j = order[oj];
                if (suppressed[j] || (classes is not null && classes[j] != classes[i])) continue;
                var b = boxes[j];
                var w = Math.Max(0f, Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1));
                var h = Math.Max(0f, Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1));
                var inter = w * h;
                var overlap = inter / (areas[i] + areas[j] - inter);
                if (overlap > iouThreshold) suppressed[j] = true;
            }
        }
        return kept.ToArray();
    }

    /// <summary>Indices sorted by descending score; ties keep input order (stable), as torchvision's stable sort.</summary>
    private static int[] ScoreOrder(IReadOnlyList<float> scores)
    {
        var order = new int[scores.Count];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var keys = new float[scores.Count];
        for (var i = 0; i < keys.Length; i++) keys[i] = scores[i];
        // Array.Sort is not stable, so ties are broken explicitly by index.
        Array.Sort(order, (x, y) =>
        {
            var c = keys[y].CompareTo(keys[x]);
            return c != 0 ? c : x.CompareTo(y);
        });
        return order;
    }
}
