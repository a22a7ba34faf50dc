using TorchSharp;
using static TorchSharp.torch;

namespace CloudSeg.Training.Ops;

/// <summary>
/// Box utilities on (N, 4) tensors in (x1, y1, x2, y2) form, with torchvision.ops.boxes semantics
/// (no "+1" pixel convention: a box from 0 to 4 is 4 wide).
/// </summary>
public static class BoxOps
{
    public static Tensor BoxArea(Tensor boxes) =>
        (boxes[.., 2] - boxes[.., 0]) * (boxes[.., 3] - boxes[.., 1]);

    /// <summary>Pairwise IoU, (N, 4) × (M, 4) → (N, M).</summary>
    public static Tensor BoxIou(Tensor boxes1, Tensor boxes2)
    {
        using var scope = NewDisposeScope();
        var area1 = BoxArea(boxes1);
        var area2 = BoxArea(boxes2);
        var topLeft = maximum(boxes1[.., TensorIndex.None, ..2], boxes2[.., ..2]);
        var bottomRight = minimum(boxes1[.., TensorIndex.None, 2..], boxes2[.., 2..]);
        var wh = (bottomRight - topLeft).clamp_(min: 0);
        var inter = wh[.., .., 0] * wh[.., .., 1];
        var union = area1[.., TensorIndex.None] + area2 - inter;
        return (inter / union).MoveToOuterDisposeScope();
    }

    /// <summary>Clips boxes (..., 4) to an image of the given height and width.</summary>
    public static Tensor ClipBoxesToImage(Tensor boxes, long height, long width)
    {
        using var scope = NewDisposeScope();
        var x = boxes[TensorIndex.Ellipsis, TensorIndex.Slice(0, null, 2)].clamp(0, width);
        var y = boxes[TensorIndex.Ellipsis, TensorIndex.Slice(1, null, 2)].clamp(0, height);
        return stack(new[] { x, y }, dim: -1).reshape(boxes.shape).MoveToOuterDisposeScope();
    }

    /// <summary>Indices of the boxes whose width and height are both at least <paramref name="minSize"/>.</summary>
    public static Tensor RemoveSmallBoxes(Tensor boxes, double minSize)
    {
        using var scope = NewDisposeScope();
        var widths = boxes[.., 2] - boxes[.., 0];
        var heights = boxes[.., 3] - boxes[.., 1];
        var keep = (widths >= minSize).logical_and_(heights >= minSize);
        return nonzero(keep).flatten().MoveToOuterDisposeScope();
    }
}
