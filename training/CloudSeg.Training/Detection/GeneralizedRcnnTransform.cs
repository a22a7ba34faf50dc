using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// Input side of the generalized R-CNN (torchvision's GeneralizedRCNNTransform): normalises with the ImageNet
/// mean/std, resizes so the short side is <c>MinSize</c> unless the long side would exceed <c>MaxSize</c>, resizes
/// the targets alike, and pads the batch with zeros to a multiple of 32 so every FPN level has whole cells.
/// The output side maps boxes back to the original image size.
/// </summary>
public sealed class GeneralizedRcnnTransform
{
    const int SizeDivisible = 32;
    readonly int _minSize, _maxSize;
    readonly float[] _mean, _std;

    public GeneralizedRcnnTransform(int minSize, int maxSize, IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        (_minSize, _maxSize) = (minSize, maxSize);
        _mean = mean.Select(v => (float)v).ToArray();
        _std = std.Select(v => (float)v).ToArray();
    }

    /// <summary>
    /// Size after resizing, computed like torchvision: the scale in float32 as <c>min_size / side</c> evaluates on a
    /// tensor, which PyTorch does as <c>side.reciprocal() * min_size</c> (not a division: 1/240 · 800 rounds to
    /// 3.33333349, 800/240 to 3.33333325, and a 240 px side becomes 800, not 799), then the size floored in double.
    /// </summary>
    public (long Height, long Width) ResizedSize(long height, long width)
    {
        float scale = MathF.Min(_minSize * (1f / Math.Min(height, width)), _maxSize * (1f / Math.Max(height, width)));
        return ((long)Math.Floor(height * (double)scale), (long)Math.Floor(width * (double)scale));
    }

    /// <param name="images">Per image (3, H, W) float32 RGB in [0, 1].</param>
    public (ImageList Images, DetectionTarget[]? Targets) Apply(IReadOnlyList<Tensor> images,
        IReadOnlyList<DetectionTarget>? targets)
    {
        using var scope = NewDisposeScope();
        var resized = new Tensor[images.Count];
        var sizes = new (long Height, long Width)[images.Count];
        var resizedTargets = targets is null ? null : new DetectionTarget[targets.Count];
        using var mean = tensor(_mean).view(-1, 1, 1);
        using var std = tensor(_std).view(-1, 1, 1);
        for (int i = 0; i < images.Count; i++)
        {
            long height = images[i].shape[1], width = images[i].shape[2];
            sizes[i] = ResizedSize(height, width);
            var normalized = (images[i] - mean) / std;
            resized[i] = sizes[i] == (height, width)
                ? normalized
                : nn.functional.interpolate(normalized.unsqueeze(0), size: new[] { sizes[i].Height, sizes[i].Width },
                    mode: InterpolationMode.Bilinear, align_corners: false).squeeze(0);
            if (targets is not null) resizedTargets![i] = ResizeTarget(targets[i], (height, width), sizes[i]);
        }

        long maxHeight = (long)Math.Ceiling(sizes.Max(s => s.Height) / (double)SizeDivisible) * SizeDivisible;
        long maxWidth = (long)Math.Ceiling(sizes.Max(s => s.Width) / (double)SizeDivisible) * SizeDivisible;
        var batch = zeros(images.Count, 3, maxHeight, maxWidth);
        for (int i = 0; i < images.Count; i++)
            batch[i, .., ..(int)sizes[i].Height, ..(int)sizes[i].Width] = resized[i];

        batch.MoveToOuterDisposeScope();
        if (resizedTargets is not null)
            foreach (var target in resizedTargets) MoveOut(target);
        return (new ImageList(batch, sizes), resizedTargets);
    }

    static DetectionTarget ResizeTarget(DetectionTarget target, (long Height, long Width) original, (long Height, long Width) resized)
    {
        if (original == resized) return target with { Boxes = target.Boxes.alias(), Labels = target.Labels.alias(), Masks = target.Masks.alias() };
        var ratios = tensor(new[]
        {
            (float)resized.Width / original.Width, (float)resized.Height / original.Height,
            (float)resized.Width / original.Width, (float)resized.Height / original.Height,
        });
        var masks = target.Masks.shape[0] == 0
            ? zeros(0, resized.Height, resized.Width, dtype: target.Masks.dtype)
            : nn.functional.interpolate(target.Masks.unsqueeze(1).to(float32), size: new[] { resized.Height, resized.Width },
                mode: InterpolationMode.Nearest).squeeze(1).to(target.Masks.dtype);
        return new DetectionTarget(target.Boxes * ratios, target.Labels.alias(), masks);
    }

    static void MoveOut(DetectionTarget target)
    {
        target.Boxes.MoveToOuterDisposeScope();
        target.Labels.MoveToOuterDisposeScope();
        target.Masks.MoveToOuterDisposeScope();
    }

    /// <summary>Maps detections from the resized image back to the original image's pixels.</summary>
    public static Detections Postprocess(Detections detections, (long Height, long Width) resized, (long Height, long Width) original)
    {
        using var ratios = tensor(new[]
        {
            (float)original.Width / resized.Width, (float)original.Height / resized.Height,
            (float)original.Width / resized.Width, (float)original.Height / resized.Height,
        });
        return detections with { Boxes = detections.Boxes * ratios };
    }
}
