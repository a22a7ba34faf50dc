using static TorchSharp.torch;

namespace CloudSeg.Training.Ops;

/// <summary>
/// Greedy non-maximum suppression with torchvision.ops.nms semantics: boxes in descending score order suppress later
/// boxes whose IoU with them is strictly greater than the threshold. Runs on plain arrays: the greedy loop is
/// inherently sequential, and a full IoU matrix of the RPN's ~10k proposals would not fit comfortably in memory.
/// Not differentiable (nor is torchvision's); it only selects indices.
/// </summary>
public static class NonMaximumSuppression
{
    /// <summary>Kept indices (int64) in descending score order.</summary>
    public static Tensor Nms(Tensor boxes, Tensor scores, double iouThreshold)
    {
        using var groups = zeros(scores.shape[0], dtype: int64);
        return BatchedNms(boxes, scores, groups, iouThreshold);
    }

    /// <summary>
    /// NMS done independently for every group (class, or FPN level in the RPN): boxes of different groups never
    /// suppress each other. Kept indices (int64) in descending score order, like torchvision.ops.batched_nms.
    /// </summary>
    public static Tensor BatchedNms(Tensor boxes, Tensor scores, Tensor groups, double iouThreshold)
    {
        int count = (int)boxes.shape[0];
        if (count == 0) return empty(0, dtype: int64);

        float[] box = ToArray<float>(boxes.detach().to(float32));
        float[] score = ToArray<float>(scores.detach().to(float32));
        long[] group = ToArray<long>(groups.to(int64));

        // Stable descending order: equal scores keep their input order, so results are reproducible.
        int[] order = Enumerable.Range(0, count).OrderByDescending(i => score[i]).ToArray();
        var suppressed = new bool[count];
        var kept = new List<long>();
        foreach (var sameGroup in order.GroupBy(i => group[i]))
        {
            int[] candidates = sameGroup.ToArray();   // still in descending score order
            for (int a = 0; a < candidates.Length; a++)
            {
                int i = candidates[a];
                if (suppressed[i]) continue;
                kept.Add(i);
                for (int b = a + 1; b < candidates.Length; b++)
                {
                    int j = candidates[b];
                    if (!suppressed[j] && Iou(box, i, j) > iouThreshold) suppressed[j] = true;
                }
            }
        }
        var rank = new int[count];
        for (int k = 0; k < count; k++) rank[order[k]] = k;
        return tensor(kept.OrderBy(i => rank[i]).ToArray(), dtype: int64);
    }

    static float Iou(float[] box, int i, int j)
    {
        float areaI = (box[4 * i + 2] - box[4 * i]) * (box[4 * i + 3] - box[4 * i + 1]);
        float areaJ = (box[4 * j + 2] - box[4 * j]) * (box[4 * j + 3] - box[4 * j + 1]);
        float width = MathF.Max(0, MathF.Min(box[4 * i + 2], box[4 * j + 2]) - MathF.Max(box[4 * i], box[4 * j]));
        float height = MathF.Max(0, MathF.Min(box[4 * i + 3], box[4 * j + 3]) - MathF.Max(box[4 * i + 1], box[4 * j + 1]));
        float intersection = width * height;
        return intersection / (areaI + areaJ - intersection);
    }

    static T[] ToArray<T>(Tensor tensor) where T : unmanaged
    {
        using var cpuTensor = tensor.cpu().contiguous();
        return cpuTensor.data<T>().ToArray();
    }
}
