using DataType = CloudSeg.Onnx.TensorProto.Types.DataType;

namespace CloudSeg.Training.Export;

/// <summary>The image after torchvision's GeneralizedRCNNTransform: the padded batch of one and the sizes around it.</summary>
/// <param name="Batch">[1, 3, H', W'] normalised, resized, zero-padded to a multiple of the size divisor.</param>
/// <param name="ResizedSize">float [2]: (height, width) of the resized image before padding (boxes are clipped to it).</param>
/// <param name="PaddedSize">int64 [2]: (height, width) of the padded batch (anchor strides derive from it).</param>
/// <param name="BoxScale">float [4]: (w, h, w, h) ratios original / resized, mapping boxes back to input pixels.</param>
public sealed record TransformedImage(string Batch, string ResizedSize, string PaddedSize, string BoxScale);

/// <summary>
/// Normalise, resize and batch the input image in the graph, as torchvision's GeneralizedRCNNTransform does at inference,
/// so the exported model takes the raw image at any size.
/// </summary>
public static class TransformEmitter
{
    /// <param name="image">float [3, H, W], RGB in [0, 1].</param>
    public static TransformedImage Emit(OnnxGraphBuilder g, InferenceGraphConfig config, string image)
    {
        var normalized = g.Div(g.Sub(image, g.Constant(config.ImageMean, 3, 1, 1)), g.Constant(config.ImageStd, 3, 1, 1));

        // torchvision computes the scale in float32 as reciprocal(side) · min_size (PyTorch's scalar / tensor), then
        // floor(side · scale) in double (interpolate's recompute_scale_factor path): e.g. a 50 px side scaled to 96
        // becomes 95, a 240 px side scaled to 800 stays 800. Mirror both (GeneralizedRcnnTransform.ResizedSize).
        var size = g.Slice(g.Shape(image), 1, 3, 0);                                  // int64 (H, W)
        var sizeFloat = g.Cast(size, DataType.Float);
        var minSide = g.ReduceMin(sizeFloat);
        var maxSide = g.ReduceMax(sizeFloat, 0, keepDims: false);
        var scale = g.Min(g.Mul(g.Reciprocal(minSide), g.Scalar((float)config.MinSize)),
            g.Mul(g.Reciprocal(maxSide), g.Scalar((float)config.MaxSize)));
        var resizedSize = g.Cast(g.Floor(g.Mul(g.Cast(size, DataType.Double), g.Cast(scale, DataType.Double))), DataType.Int64);
        var resized = g.ResizeBilinear(g.Unsqueeze(normalized, 0), g.Concat(0, g.Vector(1, 3), resizedSize));

        var divisor = g.Scalar((long)config.SizeDivisible);
        var paddedSize = g.Mul(g.Div(g.Add(resizedSize, g.Scalar(config.SizeDivisible - 1L)), divisor), divisor);
        var pads = g.Concat(0, g.Vector(0, 0, 0, 0, 0, 0), g.Sub(paddedSize, resizedSize));
        var batch = g.Pad(resized, pads);

        var resizedFloat = g.Cast(resizedSize, DataType.Float);
        var ratio = g.Div(sizeFloat, resizedFloat);                                     // (h ratio, w ratio)
        var ratioWidthHeight = g.Concat(0, g.Slice(ratio, 1, 2, 0), g.Slice(ratio, 0, 1, 0));
        return new TransformedImage(batch, resizedFloat, paddedSize, g.Concat(0, ratioWidthHeight, ratioWidthHeight));
    }
}
