using static CloudSeg.Training.Export.OnnxAttribute;
using DataType = CloudSeg.Onnx.TensorProto.Types.DataType;

namespace CloudSeg.Training.Export;

/// <summary>One method per ONNX operator we emit (opset 17 signatures), so emitters read like the forward code.</summary>
public static class OnnxOps
{
    public static string Conv(this OnnxGraphBuilder g, string x, string weight, string? bias, long stride, long padding, long dilation = 1, long groups = 1) =>
        g.Node("Conv", bias is null ? [x, weight] : [x, weight, bias],
            Ints("strides", stride, stride), Ints("pads", padding, padding, padding, padding),
            Ints("dilations", dilation, dilation), Int("group", groups));

    /// <summary>A convolution padded <paramref name="padStart"/> before and <paramref name="padEnd"/> after each spatial axis.</summary>
    public static string Conv(this OnnxGraphBuilder g, string x, string weight, string bias, long stride, long padStart, long padEnd) =>
        g.Node("Conv", [x, weight, bias], Ints("strides", stride, stride), Ints("pads", padStart, padStart, padEnd, padEnd));

    public static string ConvTranspose(this OnnxGraphBuilder g, string x, string weight, string bias, long stride) =>
        g.Node("ConvTranspose", [x, weight, bias], Ints("strides", stride, stride));

    public static string MaxPool(this OnnxGraphBuilder g, string x, long kernel, long stride, long padding) =>
        g.Node("MaxPool", [x], Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", padding, padding, padding, padding));

    public static string MaxPool(this OnnxGraphBuilder g, string x, long kernel, long stride, long padStart, long padEnd) =>
        g.Node("MaxPool", [x], Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", padStart, padStart, padEnd, padEnd));

    /// <summary>y = x·Wᵀ + b, the nn.Linear convention (weight [out, in]).</summary>
    public static string Linear(this OnnxGraphBuilder g, string x, string weight, string bias) =>
        g.Node("Gemm", [x, weight, bias], Int("transB", 1));

    public static string Relu(this OnnxGraphBuilder g, string x) => g.Node("Relu", [x]);
    public static string Sigmoid(this OnnxGraphBuilder g, string x) => g.Node("Sigmoid", [x]);
    public static string Softmax(this OnnxGraphBuilder g, string x, long axis) => g.Node("Softmax", [x], Int("axis", axis));
    public static string Exp(this OnnxGraphBuilder g, string x) => g.Node("Exp", [x]);
    public static string Log(this OnnxGraphBuilder g, string x) => g.Node("Log", [x]);
    public static string Sqrt(this OnnxGraphBuilder g, string x) => g.Node("Sqrt", [x]);
    public static string Floor(this OnnxGraphBuilder g, string x) => g.Node("Floor", [x]);
    /// <summary>1 / x as its own node: ONNX Runtime rewrites Div(1, x) · y into Div(y, x), which rounds differently.</summary>
    public static string Reciprocal(this OnnxGraphBuilder g, string x) => g.Node("Reciprocal", [x]);
    public static string Add(this OnnxGraphBuilder g, string a, string b) => g.Node("Add", [a, b]);
    public static string Sub(this OnnxGraphBuilder g, string a, string b) => g.Node("Sub", [a, b]);
    public static string Mul(this OnnxGraphBuilder g, string a, string b) => g.Node("Mul", [a, b]);
    public static string Div(this OnnxGraphBuilder g, string a, string b) => g.Node("Div", [a, b]);
    public static string Min(this OnnxGraphBuilder g, params string[] xs) => g.Node("Min", xs);
    public static string Max(this OnnxGraphBuilder g, params string[] xs) => g.Node("Max", xs);
    public static string Greater(this OnnxGraphBuilder g, string a, string b) => g.Node("Greater", [a, b]);
    public static string GreaterOrEqual(this OnnxGraphBuilder g, string a, string b) => g.Node("GreaterOrEqual", [a, b]);
    public static string Equal(this OnnxGraphBuilder g, string a, string b) => g.Node("Equal", [a, b]);
    public static string And(this OnnxGraphBuilder g, string a, string b) => g.Node("And", [a, b]);
    public static string Where(this OnnxGraphBuilder g, string condition, string a, string b) => g.Node("Where", [condition, a, b]);
    public static string Cast(this OnnxGraphBuilder g, string x, DataType to) => g.Node("Cast", [x], Int("to", (long)to));

    /// <summary>Clip with scalar tensor bounds (either may be null = unbounded).</summary>
    public static string Clip(this OnnxGraphBuilder g, string x, string? min, string? max) => g.Node("Clip", [x, min ?? "", max ?? ""]);

    public static string Shape(this OnnxGraphBuilder g, string x) => g.Node("Shape", [x]);
    public static string Reshape(this OnnxGraphBuilder g, string x, string shape) => g.Node("Reshape", [x, shape]);
    public static string Reshape(this OnnxGraphBuilder g, string x, params long[] shape) => g.Reshape(x, g.Vector(shape));
    public static string Flatten(this OnnxGraphBuilder g, string x, long axis = 1) => g.Node("Flatten", [x], Int("axis", axis));
    public static string Transpose(this OnnxGraphBuilder g, string x, params long[] perm) => g.Node("Transpose", [x], Ints("perm", perm));
    public static string Unsqueeze(this OnnxGraphBuilder g, string x, params long[] axes) => g.Node("Unsqueeze", [x, g.Vector(axes)]);
    public static string Squeeze(this OnnxGraphBuilder g, string x, params long[] axes) => g.Node("Squeeze", [x, g.Vector(axes)]);
    public static string Concat(this OnnxGraphBuilder g, long axis, params string[] xs) => g.Node("Concat", xs, Int("axis", axis));
    public static string Gather(this OnnxGraphBuilder g, string x, string indices, long axis = 0) => g.Node("Gather", [x, indices], Int("axis", axis));
    public static string GatherElements(this OnnxGraphBuilder g, string x, string indices, long axis) => g.Node("GatherElements", [x, indices], Int("axis", axis));
    public static string GatherND(this OnnxGraphBuilder g, string x, string indices) => g.Node("GatherND", [x, indices]);
    public static string ScatterND(this OnnxGraphBuilder g, string data, string indices, string updates) => g.Node("ScatterND", [data, indices, updates]);
    public static string NonZero(this OnnxGraphBuilder g, string x) => g.Node("NonZero", [x]);
    public static string Expand(this OnnxGraphBuilder g, string x, string shape) => g.Node("Expand", [x, shape]);
    public static string ConstantOfShape(this OnnxGraphBuilder g, string shape) => g.Node("ConstantOfShape", [shape]);
    public static string Range(this OnnxGraphBuilder g, string start, string limit, string delta) => g.Node("Range", [start, limit, delta]);
    /// <summary>Minimum over all elements (a scalar).</summary>
    public static string ReduceMin(this OnnxGraphBuilder g, string x) => g.Node("ReduceMin", [x], Int("keepdims", 0));

    public static string ReduceMax(this OnnxGraphBuilder g, string x, long axis, bool keepDims) =>
        g.Node("ReduceMax", [x], Ints("axes", axis), Int("keepdims", keepDims ? 1 : 0));

    /// <summary>Elements [start, end) along one axis; start/end are int64 scalars or 1-element vectors.</summary>
    public static string Slice(this OnnxGraphBuilder g, string x, string starts, string ends, long axis) =>
        g.Node("Slice", [x, starts, ends, g.Vector(axis)]);

    public static string Slice(this OnnxGraphBuilder g, string x, long start, long end, long axis) =>
        g.Slice(x, g.Vector(start), g.Vector(end), axis);

    /// <summary>Dimension <paramref name="axis"/> of x's shape as a 1-element int64 vector.</summary>
    public static string Dim(this OnnxGraphBuilder g, string x, long axis) => g.Slice(g.Shape(x), axis, axis + 1, 0);

    /// <summary>The k largest (or smallest) values along the last axis, sorted, with their int64 indices.</summary>
    public static (string Values, string Indices) TopK(this OnnxGraphBuilder g, string x, string k, bool largest = true)
    {
        var outputs = g.Node("TopK", [x, k], 2, Int("axis", -1), Int("largest", largest ? 1 : 0), Int("sorted", 1));
        return (outputs[0], outputs[1]);
    }

    /// <summary>
    /// ONNX NonMaxSuppression: per batch and class, greedy NMS in decreasing score order over boxes [B, N, 4]
    /// (x1, y1, x2, y2) with scores [B, C, N], suppressing IoU &gt; <paramref name="iouThreshold"/> (torchvision.ops.nms
    /// semantics) and ignoring boxes scoring &lt;= <paramref name="scoreThreshold"/>. Returns int64 [K, 3] rows
    /// (batch, class, box), class-major, each class in decreasing score order, at most <paramref name="maxPerClass"/> per
    /// class (ONNX Runtime stops suppressing a class once it has that many).
    /// </summary>
    public static string NonMaxSuppression(this OnnxGraphBuilder g, string boxes, string scores, float iouThreshold, float scoreThreshold,
        long maxPerClass = long.MaxValue) =>
        g.Node("NonMaxSuppression", [boxes, scores, g.Vector(maxPerClass), g.Constant([iouThreshold], 1), g.Constant([scoreThreshold], 1)]);

    /// <summary>
    /// RoIAlign with average pooling; aligned=True (torchvision) is ONNX's half_pixel mode (boxes shifted by −0.5),
    /// aligned=False is output_half_pixel (no shift, RoIs at least 1×1).
    /// </summary>
    public static string RoiAlign(this OnnxGraphBuilder g, string features, string rois, string batchIndices, long outputSize, float spatialScale, long samplingRatio, bool aligned = true) =>
        g.Node("RoiAlign", [features, rois, batchIndices],
            String("coordinate_transformation_mode", aligned ? "half_pixel" : "output_half_pixel"), String("mode", "avg"),
            Int("output_height", outputSize), Int("output_width", outputSize),
            Int("sampling_ratio", samplingRatio), Float("spatial_scale", spatialScale));

    /// <summary>Bilinear resize to explicit int64 sizes [N, C, H, W], like F.interpolate(mode="bilinear", align_corners=False).</summary>
    public static string ResizeBilinear(this OnnxGraphBuilder g, string x, string sizes) =>
        g.Node("Resize", [x, "", "", sizes], String("mode", "linear"), String("coordinate_transformation_mode", "half_pixel"));

    /// <summary>Nearest-neighbour resize to explicit sizes, like F.interpolate(mode="nearest") (floor of the scaled index).</summary>
    public static string ResizeNearest(this OnnxGraphBuilder g, string x, string sizes) =>
        g.Node("Resize", [x, "", "", sizes], String("mode", "nearest"), String("coordinate_transformation_mode", "asymmetric"), String("nearest_mode", "floor"));

    /// <summary>Zero padding with pads [x1_begin, x2_begin, ..., x1_end, x2_end, ...] given as an int64 vector.</summary>
    public static string Pad(this OnnxGraphBuilder g, string x, string pads) => g.Node("Pad", [x, pads]);
}
