using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// Encodes a box relative to a reference box as (dx, dy, dw, dh) = (wx·Δx/w, wy·Δy/h, ww·log(w'/w), wh·log(h'/h))
/// (R-CNN's parameterisation, Girshick et al. 2014), and decodes it back. The weights rescale the targets to roughly
/// unit variance: (1, 1, 1, 1) for the RPN, (10, 10, 5, 5) for the RoI heads. Width/height deltas are clipped at
/// log(1000/16) on decode so an untrained network cannot overflow exp().
/// </summary>
public sealed class BoxCoder
{
    public static readonly double DefaultScaleClamp = Math.Log(1000.0 / 16);

    public BoxCoder(double wx, double wy, double ww, double wh, double? scaleClamp = null)
    {
        (Wx, Wy, Ww, Wh) = (wx, wy, ww, wh);
        ScaleClamp = scaleClamp ?? DefaultScaleClamp;
    }

    public static BoxCoder ForRpn() => new(1, 1, 1, 1);
    public static BoxCoder ForRoiHeads() => new(10, 10, 5, 5);

    public double Wx { get; }
    public double Wy { get; }
    public double Ww { get; }
    public double Wh { get; }
    public double ScaleClamp { get; }

    /// <summary>Regression targets (N, 4) that move <paramref name="proposals"/> onto <paramref name="referenceBoxes"/>.</summary>
    public Tensor Encode(Tensor referenceBoxes, Tensor proposals)
    {
        using var scope = NewDisposeScope();
        var (exX, exY, exW, exH) = CentreSize(proposals);
        var (gtX, gtY, gtW, gtH) = CentreSize(referenceBoxes);
        var targets = stack(new[]
        {
            Wx * (gtX - exX) / exW,
            Wy * (gtY - exY) / exH,
            Ww * log(gtW / exW),
            Wh * log(gtH / exH),
        }, dim: 1);
        return targets.MoveToOuterDisposeScope();
    }

    /// <summary>Applies deltas (N, 4·K) to boxes (N, 4); returns (N, 4·K) boxes, K boxes per reference box.</summary>
    public Tensor Decode(Tensor deltas, Tensor boxes)
    {
        using var scope = NewDisposeScope();
        boxes = boxes.to(deltas.dtype);
        var (ctrX, ctrY, widths, heights) = CentreSize(boxes);
        var dx = deltas[.., TensorIndex.Slice(0, null, 4)] / Wx;
        var dy = deltas[.., TensorIndex.Slice(1, null, 4)] / Wy;
        var dw = (deltas[.., TensorIndex.Slice(2, null, 4)] / Ww).clamp(max: ScaleClamp);
        var dh = (deltas[.., TensorIndex.Slice(3, null, 4)] / Wh).clamp(max: ScaleClamp);

        var predCtrX = dx * widths.unsqueeze(1) + ctrX.unsqueeze(1);
        var predCtrY = dy * heights.unsqueeze(1) + ctrY.unsqueeze(1);
        var halfW = 0.5 * exp(dw) * widths.unsqueeze(1);
        var halfH = 0.5 * exp(dh) * heights.unsqueeze(1);
        var decoded = stack(new[] { predCtrX - halfW, predCtrY - halfH, predCtrX + halfW, predCtrY + halfH }, dim: 2);
        return decoded.flatten(1).MoveToOuterDisposeScope();
    }

    static (Tensor X, Tensor Y, Tensor W, Tensor H) CentreSize(Tensor boxes)
    {
        var widths = boxes[.., 2] - boxes[.., 0];
        var heights = boxes[.., 3] - boxes[.., 1];
        return (boxes[.., 0] + 0.5 * widths, boxes[.., 1] + 0.5 * heights, widths, heights);
    }
}
