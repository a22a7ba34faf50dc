using CloudSeg.Core.Geometry;

namespace CloudSeg.Inference;

/// <summary>
/// YOLACT's Fast NMS (sec. 3.4) on the graph's candidates: per class, the top-k priors by score; one is kept when its
/// score passes the threshold and no higher-scored candidate of its class (kept or not) overlaps it by more than the
/// IoU threshold. The survivors of all classes, best first, at most <c>maxDetections</c>.
/// </summary>
public static class YolactFastNms
{
    /// <returns>(prior, class index without background, score) per kept candidate.</returns>
    public static List<(int Prior, int Class, float Score)> Apply(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, int priors, int classes,
        float scoreThreshold, float iouThreshold, int topK, int maxDetections)
    {
        var kept = new List<(int Prior, int Class, float Score)>();
        var order = new int[priors];
        var classScores = new float[priors];
        for (var c = 0; c < classes; c++)
        {
            for (var p = 0; p < priors; p++) (order[p], classScores[p]) = (p, scores[p * classes + c]);
            // Stable descending sort: equal scores keep prior order, as a stable top-k does.
            var top = order.OrderByDescending(p => classScores[p]).Take(topK).ToArray();
            for (var i = 0; i < top.Length; i++)
            {
                var score = classScores[top[i]];
                if (!(score > scoreThreshold)) break;
                var box = Box(boxes, top[i]);
                var suppressed = false;
                for (var j = 0; j < i && !suppressed; j++)
                    suppressed = Box(boxes, top[j]).IoU(box) > iouThreshold;
                if (!suppressed) kept.Add((top[i], c, score));
            }
        }
        return kept.OrderByDescending(k => k.Score).Take(maxDetections).ToList();
    }

    static BoxF Box(ReadOnlySpan<float> boxes, int prior) => new(boxes[4 * prior], boxes[4 * prior + 1], boxes[4 * prior + 2], boxes[4 * prior + 3]);
}
