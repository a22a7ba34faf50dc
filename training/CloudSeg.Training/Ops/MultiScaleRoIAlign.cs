using static TorchSharp.torch;

namespace CloudSeg.Training.Ops;

/// <summary>
/// RoIAlign over a feature pyramid (FPN, Lin et al. 2017, eq. 1): a RoI of size w×h is pooled from level
/// k = ⌊k0 + log2(√(wh)/224)⌋, clamped to the pyramid's levels, so that a 224² RoI (ImageNet's canonical size) uses
/// level k0 = 4 and smaller RoIs use finer levels. torchvision adds 1e-6 before the floor to keep exact powers of two
/// on their level despite rounding.
/// torchvision's own pooler uses the legacy aligned=False RoIAlign; Mask R-CNN papers after Detectron2 use aligned=True
/// (the half-pixel fix). We default to aligned and keep the legacy mode for exact parity with torchvision weights.
/// </summary>
public sealed class MultiScaleRoIAlign
{
    const double CanonicalScale = 224, CanonicalLevel = 4, Epsilon = 1e-6;

    readonly int[] _strides;

    /// <param name="outputSize">Side of the pooled square (7 for the box head, 14 for the mask head).</param>
    /// <param name="strides">Stride of each pooled level, finest first (4, 8, 16, 32 = levels 2–5).</param>
    public MultiScaleRoIAlign(int outputSize, IReadOnlyList<int> strides, int samplingRatio = 2, bool aligned = true)
    {
        OutputSize = outputSize;
        SamplingRatio = samplingRatio;
        Aligned = aligned;
        _strides = strides.ToArray();
    }

    public int OutputSize { get; }
    public int SamplingRatio { get; }
    public bool Aligned { get; }

    /// <param name="features">One (N, C, H, W) map per level, finest first (extra levels, e.g. "pool", excluded).</param>
    /// <param name="boxes">Per image, (K_i, 4) boxes in image coordinates.</param>
    /// <returns>(ΣK_i, C, OutputSize, OutputSize), RoIs in image order.</returns>
    public Tensor Forward(IReadOnlyList<Tensor> features, IReadOnlyList<Tensor> boxes)
    {
        using var scope = NewDisposeScope();
        var rois = cat(boxes.Select((b, image) =>
            cat(new[] { full(b.shape[0], 1, image, dtype: b.dtype, device: b.device), b }, dim: 1)).ToList(), dim: 0);

        if (features.Count == 1)
            return RoIAlign.Apply(features[0], rois, OutputSize, OutputSize, 1.0 / _strides[0], SamplingRatio, Aligned)
                .MoveToOuterDisposeScope();

        var levels = MapLevels(rois[.., 1..]);
        var pooled = new List<Tensor>();
        var order = new List<Tensor>();
        for (int level = 0; level < features.Count; level++)
        {
            var inLevel = nonzero(levels == level).flatten();
            pooled.Add(RoIAlign.Apply(features[level], rois.index_select(0, inLevel), OutputSize, OutputSize,
                1.0 / _strides[level], SamplingRatio, Aligned));
            order.Add(inLevel);
        }
        // Put the per-level results back into RoI order.
        var inverse = argsort(cat(order, dim: 0));
        return cat(pooled, dim: 0).index_select(0, inverse).MoveToOuterDisposeScope();
    }

    /// <summary>Pyramid level index (0 = finest) of each (K, 4) box.</summary>
    public Tensor MapLevels(Tensor boxes)
    {
        using var scope = NewDisposeScope();
        double finest = Math.Log2(_strides[0]), coarsest = Math.Log2(_strides[^1]);
        var scale = BoxOps.BoxArea(boxes).sqrt();
        var level = (CanonicalLevel + log2(scale / CanonicalScale) + Epsilon).floor().clamp(finest, coarsest);
        return (level.to(int64) - (long)finest).MoveToOuterDisposeScope();
    }
}
