using DataType = CloudSeg.Onnx.TensorProto.Types.DataType;

namespace CloudSeg.Training.Export;

/// <summary>
/// MultiScaleRoIAlign over P2–P5: each box is pooled from level k = ⌊4 + log2(√area / 224) + 1e-6⌋ clamped to 2–5
/// (FPN eq. 1), with ONNX RoiAlign (see <see cref="OnnxOps.RoiAlign"/> for aligned), average of
/// sampling_ratio² samples per bin. Each level pools its own boxes; the results are concatenated in level order and
/// gathered back into box order with the inverse permutation. (Scattering each level into a zero tensor of all N
/// boxes, as torchvision's code reads, costs a fill and one full copy per level; at inference that was two thirds of
/// the small default model's time.) A consumer that works row by row, such as the box head's first fully-connected
/// layer, can run on each level's pooled rows (<see cref="LevelPooling.InBoxOrder"/>) so that only its much smaller
/// output is concatenated and gathered, not the [N, C, 7, 7] pooled features.
/// </summary>
public static class RoIAlignEmitter
{
    private const int FinestLevel = 2;

    /// <param name="features">P2, P3, ... (stride 4, 8, ...) feature maps [1, C, h, w].</param>
    /// <param name="boxes">float [N, 4] boxes in padded-image pixels.</param>
    /// <returns>float [N, C, size, size].</returns>
    /// <param name="samplingRatio">Samples per bin side (the model's inference setting).</param>
    public static string Emit(OnnxGraphBuilder g, IReadOnlyList<string> features, long channels, string boxes, long outputSize, bool aligned,
        int samplingRatio = Detection.RoIHeadsOptions.SamplingRatio) =>
        PoolPerLevel(g, features, boxes, outputSize, aligned, samplingRatio).InBoxOrder(g, pooled => pooled);

    /// <summary>Each level's RoIAlign of the boxes assigned to it, without putting the rows back into box order.</summary>
    public static LevelPooling PoolPerLevel(OnnxGraphBuilder g, IReadOnlyList<string> features, string boxes, long outputSize, bool aligned,
        int samplingRatio = Detection.RoIHeadsOptions.SamplingRatio)
    {
        var (widths, heights) = BoxDecodingEmitter.Sizes(g, boxes);
        var scale = g.Sqrt(g.Squeeze(g.Mul(widths, heights), 1));
        var log2 = g.Div(g.Log(g.Div(scale, g.Scalar(224f))), g.Scalar(MathF.Log(2f)));
        var level = g.Floor(g.Add(g.Add(g.Scalar(4f), log2), g.Scalar(1e-6f)));
        var levelIndex = g.Cast(g.Sub(g.Clip(level, g.Scalar((float)FinestLevel), g.Scalar((float)(FinestLevel + features.Count - 1))), g.Scalar((float)FinestLevel)), DataType.Int64);

        var levelPositions = new string[features.Count];
        var levelPooled = new string[features.Count];
        for (var index = 0; index < features.Count; index++)
        {
            var positions = g.Squeeze(g.NonZero(g.Equal(levelIndex, g.Scalar((long)index))), 0);   // [K], ascending
            var levelBoxes = g.Gather(boxes, positions);
            var batchIndices = g.Mul(positions, g.Scalar(0L));   // int64 zeros [K], one node
            var spatialScale = 1f / (1 << (FinestLevel + index));
            levelPositions[index] = positions;
            levelPooled[index] = g.RoiAlign(features[index], levelBoxes, batchIndices, outputSize, spatialScale, samplingRatio, aligned);
        }
        // Row j of the concatenation is box order[j]; sorting order ascending yields, for box i, the row that holds it.
        var order = g.Concat(0, levelPositions);
        var (_, rowOfBox) = g.TopK(order, g.Dim(order, 0), largest: false);
        return new LevelPooling(levelPooled, rowOfBox);
    }
}

/// <summary>The pooled features of each level's boxes (level order) and, for box i, its row in their concatenation.</summary>
public sealed record LevelPooling(IReadOnlyList<string> Pooled, string RowOfBox)
{
    /// <summary>Applies a row-wise <paramref name="perLevel"/> to each level's rows and returns its results in box order.</summary>
    public string InBoxOrder(OnnxGraphBuilder g, Func<string, string> perLevel) =>
        g.Gather(g.Concat(0, [.. Pooled.Select(perLevel)]), RowOfBox);
}
