using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// Anchors of the RPN (Faster R-CNN, Ren et al. 2015) on an FPN: one anchor size per pyramid level (32 on P2 … 512 on
/// P6) × three aspect ratios, centred on every feature-map cell. Same layout as torchvision's AnchorGenerator: per
/// level, cells row-major, and for each cell the ratios in order; base anchors are rounded to whole pixels.
/// </summary>
public sealed class AnchorGenerator
{
    readonly double[] _sizes;
    readonly double[] _aspectRatios;

    public AnchorGenerator(IReadOnlyList<double> sizes, IReadOnlyList<double> aspectRatios)
    {
        _sizes = sizes.ToArray();
        _aspectRatios = aspectRatios.ToArray();
    }

    public int AnchorsPerLocation => _aspectRatios.Length;

    /// <summary>Anchors (ΣHW·A, 4) for a padded batch of size <paramref name="imageHeight"/>×<paramref name="imageWidth"/>; the same for every image.</summary>
    public Tensor Generate(long imageHeight, long imageWidth, IReadOnlyList<Tensor> features)
    {
        using var scope = NewDisposeScope();
        var perLevel = new List<Tensor>();
        for (int level = 0; level < features.Count; level++)
        {
            long gridHeight = features[level].shape[2], gridWidth = features[level].shape[3];
            // Integer strides, as torchvision computes them from the padded batch size.
            long strideY = imageHeight / gridHeight, strideX = imageWidth / gridWidth;
            var shiftsX = arange(gridWidth, dtype: int32).to(float32) * strideX;
            var shiftsY = arange(gridHeight, dtype: int32).to(float32) * strideY;
            var grid = meshgrid(new[] { shiftsY, shiftsX }, indexing: "ij");
            var shiftY = grid[0].reshape(-1);
            var shiftX = grid[1].reshape(-1);
            var shifts = stack(new[] { shiftX, shiftY, shiftX, shiftY }, dim: 1);
            perLevel.Add((shifts.view(-1, 1, 4) + BaseAnchors(_sizes[level]).view(1, -1, 4)).reshape(-1, 4));
        }
        return cat(perLevel, dim: 0).MoveToOuterDisposeScope();
    }

    /// <summary>Zero-centred anchors (A, 4) of one size: area size², height/width = ratio.</summary>
    Tensor BaseAnchors(double size)
    {
        var heightRatios = tensor(_aspectRatios.Select(r => (float)Math.Sqrt(r)).ToArray());
        var widthRatios = 1 / heightRatios;
        var widths = widthRatios * (float)size;
        var heights = heightRatios * (float)size;
        return (stack(new[] { -widths, -heights, widths, heights }, dim: 1) / 2).round();
    }
}
