using DataType = CloudSeg.Onnx.TensorProto.Types.DataType;

namespace CloudSeg.Training.Export;

/// <summary>
/// torchvision's AnchorGenerator, computed in the graph from each feature map's shape so any image size works:
/// base anchors (one per aspect ratio, centred at 0, rounded) shifted to every cell at the level's stride,
/// location-major (all anchors of cell 0, then cell 1, ...), matching the RPN head's flattening.
/// </summary>
public static class AnchorEmitter
{
    /// <returns>float [H·W·A, 4] anchors (x1, y1, x2, y2) in padded-image pixels.</returns>
    /// <remarks>Every node here runs on each call (the sizes are not known before), so the shifts are built in few:
    /// Range(0, h·stride, stride) is torchvision's arange(h)·stride, and the (x, y, x, y) grid is the broadcast sum of the
    /// row offsets times (0, 1, 0, 1) and the column offsets times (1, 0, 1, 0), all in int64 as torch computes them.</remarks>
    public static string Emit(OnnxGraphBuilder g, InferenceGraphConfig config, int level, string feature, string paddedSize)
    {
        var baseAnchors = BaseAnchors(config.AnchorSizes[level], config.AspectRatios);
        var gridSize = g.Slice(g.Shape(feature), 2, 4, 0);                            // (h, w)
        var stride = g.Div(paddedSize, gridSize);                                     // integer division, as torchvision
        var extent = g.Mul(gridSize, stride);
        string At(string vector, long index) => g.Gather(vector, g.Scalar(index));   // a scalar, as Range takes
        var ys = g.Range(g.Scalar(0L), At(extent, 0), At(stride, 0));
        var xs = g.Range(g.Scalar(0L), At(extent, 1), At(stride, 1));
        var rows = g.Mul(g.Reshape(ys, -1, 1, 1, 1), g.Constant(new long[] { 0, 1, 0, 1 }, 4));
        var columns = g.Mul(g.Reshape(xs, 1, -1, 1, 1), g.Constant(new long[] { 1, 0, 1, 0 }, 4));
        var shifts = g.Cast(g.Add(rows, columns), DataType.Float);                     // [h, w, 1, 4]
        var anchors = g.Add(shifts, g.Constant(baseAnchors, config.AspectRatios.Length, 4));
        return g.Reshape(anchors, -1, 4);
    }

    /// <summary>Per ratio r: h = size·√r, w = size/√r, box (−w/2, −h/2, w/2, h/2) rounded half-to-even, in float32 as torch does.</summary>
    public static float[] BaseAnchors(float size, IReadOnlyList<float> aspectRatios)
    {
        var anchors = new float[aspectRatios.Count * 4];
        for (var i = 0; i < aspectRatios.Count; i++)
        {
            var heightRatio = MathF.Sqrt(aspectRatios[i]);
            var widthRatio = 1f / heightRatio;
            float w = widthRatio * size, h = heightRatio * size;
            anchors[4 * i] = MathF.Round(-w / 2);
            anchors[4 * i + 1] = MathF.Round(-h / 2);
            anchors[4 * i + 2] = MathF.Round(w / 2);
            anchors[4 * i + 3] = MathF.Round(h / 2);
        }
        return anchors;
    }
}
