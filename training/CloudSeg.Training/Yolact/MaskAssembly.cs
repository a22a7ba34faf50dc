using static TorchSharp.torch;

namespace CloudSeg.Training.Yolact;

/// <summary>
/// YOLACT's mask assembly (sec. 3.4): an instance's mask is σ(P·c) — the prototypes P (h, w, k) combined linearly by
/// its coefficients c — then cropped to its box, so prototypes need not localise by themselves.
/// </summary>
public static class MaskAssembly
{
    /// <param name="prototypes">(k, h, w) prototypes of one image.</param>
    /// <param name="coefficients">(n, k) coefficients of n instances.</param>
    /// <returns>(n, h, w) mask logits (not yet cropped).</returns>
    public static Tensor Logits(Tensor prototypes, Tensor coefficients)
    {
        var (k, h, w) = (prototypes.shape[0], prototypes.shape[1], prototypes.shape[2]);
        return coefficients.matmul(prototypes.reshape(k, h * w)).view(-1, h, w);
    }

    /// <summary>Zeroes (sets to <paramref name="outside"/>) every cell whose centre lies outside the instance's box.</summary>
    /// <param name="maps">(n, h, w).</param>
    /// <param name="boxes">(n, 4) boxes in the maps' cell units.</param>
    public static Tensor Crop(Tensor maps, Tensor boxes, double outside = 0)
    {
        using var scope = NewDisposeScope();
        var (h, w) = (maps.shape[1], maps.shape[2]);
        var xs = (arange(w, dtype: maps.dtype, device: maps.device) + 0.5).view(1, 1, w);
        var ys = (arange(h, dtype: maps.dtype, device: maps.device) + 0.5).view(1, h, 1);
        var b = boxes.to(maps.dtype).view(-1, 4, 1, 1);
        var inside = (xs >= b[.., 0]).logical_and(xs < b[.., 2]).logical_and(ys >= b[.., 1]).logical_and(ys < b[.., 3]);
        return where(inside, maps, full_like(maps, outside)).MoveToOuterDisposeScope();
    }
}
