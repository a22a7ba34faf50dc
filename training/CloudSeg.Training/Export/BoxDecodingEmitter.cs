namespace CloudSeg.Training.Export;

/// <summary>
/// torchvision's BoxCoder.decode_single and the box clean-ups that follow it (clip to the image, drop tiny boxes).
/// </summary>
public static class BoxDecodingEmitter
{
    /// <summary>Largest log-scale a width/height delta may have: log(1000 / 16), torchvision's bbox_xform_clip.</summary>
    public static readonly float ScaleClamp = (float)Math.Log(1000.0 / 16);

    /// <param name="deltas">float [N, K, 4] (dx, dy, dw, dh) per box and class.</param>
    /// <param name="boxes">float [N, 4] reference boxes.</param>
    /// <param name="weights">(wx, wy, ww, wh): (1, 1, 1, 1) in the RPN, (10, 10, 5, 5) in the box head.</param>
    /// <returns>float [N, K, 4] decoded boxes (x1, y1, x2, y2).</returns>
    /// <remarks>The same arithmetic as torchvision in the same order, in few nodes (each runs on every call): one Split
    /// per operand instead of a Slice and Squeeze per coordinate, working in [N, K, 1] so that the corners concatenate
    /// without Unsqueeze, and one Div by the weight vector (none when the weights are 1).</remarks>
    public static string Decode(OnnxGraphBuilder g, string deltas, string boxes, float[] weights)
    {
        var (x1, y1, x2, y2) = Coordinates(g, g.Unsqueeze(boxes, 1));               // [N, 1, 1] each
        var widths = g.Sub(x2, x1);
        var heights = g.Sub(y2, y1);
        var half = g.Scalar(0.5f);
        var centerX = g.Add(x1, g.Mul(half, widths));
        var centerY = g.Add(y1, g.Mul(half, heights));

        if (weights.Any(w => w != 1)) deltas = g.Div(deltas, g.Constant(weights, 4));
        var (dx, dy, dw, dh) = Coordinates(g, deltas);                               // [N, K, 1] each
        var clamp = g.Scalar(ScaleClamp);
        var predictedCenterX = g.Add(g.Mul(dx, widths), centerX);
        var predictedCenterY = g.Add(g.Mul(dy, heights), centerY);
        var predictedWidth = g.Mul(g.Exp(g.Min(dw, clamp)), widths);
        var predictedHeight = g.Mul(g.Exp(g.Min(dh, clamp)), heights);
        var halfWidth = g.Mul(half, predictedWidth);
        var halfHeight = g.Mul(half, predictedHeight);
        return g.Concat(2, g.Sub(predictedCenterX, halfWidth), g.Sub(predictedCenterY, halfHeight),
            g.Add(predictedCenterX, halfWidth), g.Add(predictedCenterY, halfHeight));
    }

    /// <summary>Widths x2 − x1 and heights y2 − y1 of float [N, 4] boxes, each [N, 1].</summary>
    public static (string Widths, string Heights) Sizes(OnnxGraphBuilder g, string boxes)
    {
        var (x1, y1, x2, y2) = Coordinates(g, boxes);
        return (g.Sub(x2, x1), g.Sub(y2, y1));
    }

    /// <summary>The four entries of the last axis (size 4), each keeping that axis with size 1.</summary>
    private static (string, string, string, string) Coordinates(OnnxGraphBuilder g, string x)
    {
        var parts = g.Node("Split", [x], 4, OnnxAttribute.Int("axis", -1));
        return (parts[0], parts[1], parts[2], parts[3]);
    }

    /// <summary>Clamps x to [0, width] and y to [0, height]; <paramref name="size"/> is float (height, width).</summary>
    public static string ClipToImage(OnnxGraphBuilder g, string boxes, string size)
    {
        var limits = g.Gather(size, g.Vector(1, 0, 1, 0));                           // (width, height, width, height)
        return g.Min(g.Max(boxes, g.Scalar(0f)), limits);
    }

    /// <summary>bool [N]: width and height both at least <paramref name="minSize"/>.</summary>
    public static string IsLargeEnough(OnnxGraphBuilder g, string boxes, float minSize)
    {
        var (widths, heights) = Sizes(g, boxes);
        var min = g.Scalar(minSize);
        return g.Squeeze(g.And(g.GreaterOrEqual(widths, min), g.GreaterOrEqual(heights, min)), 1);
    }
}
