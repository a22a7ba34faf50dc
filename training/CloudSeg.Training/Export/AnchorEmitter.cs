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
    public static string Emit(OnnxGraphBuilder g, InferenceGraphConfig config, int level, string feature, string paddedSize)
    {
        var baseAnchors = BaseAnchors(config.AnchorSizes[level], config.AspectRatios);
        var gridSize = g.Slice(g.Shape(feature), 2, 4, 0);                            // (h, w)
        var stride = g.Div(paddedSize, gridSize);                                     // integer division, as torchvision
        var height = g.Slice(gridSize, 0, 1, 0);
        var width = g.Slice(gridSize, 1, 2, 0);
        var ys = g.Mul(g.Range(g.Scalar(0L), g.Squeeze(height, 0), g.Scalar(1L)), g.Slice(stride, 0, 1, 0));
        var xs = g.Mul(g.Range(g.Scalar(0L), g.Squeeze(width, 0), g.Scalar(1L)), g.Slice(stride, 1, 2, 0));
        var shiftY = g.Reshape(g.Expand(g.Unsqueeze(ys, 1), gridSize), -1, 1);
        var shiftX = g.Reshape(g.Expand(g.Unsqueeze(xs, 0), gridSize), -1, 1);
        var shifts = g.Cast(g.Concat(1, shiftX, shiftY, shiftX, shiftY), DataType.Float);
        var anchors = g.Add(g.Unsqueeze(shifts, 1), g.Constant(baseAnchors, 1, config.AspectRatios.Length, 4));
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
