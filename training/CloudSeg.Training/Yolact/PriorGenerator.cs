using static TorchSharp.torch;

namespace CloudSeg.Training.Yolact;

/// <summary>
/// YOLACT's priors (SSD's default boxes): on every cell of every level, one box per aspect ratio r centred on the cell,
/// of width s·√r and height s/√r for the level's scale s, in input pixels (24, 48, 96, 192, 384: 3× the strides 8–128
/// of P3–P7). The scales stay in pixels whatever the input size, because the strides do: scaled down with a 128-pixel
/// input (to 5.6–89 px, 0.7× the stride) they left 3 of 4 shapes without any prior of IoU ≥ 0.5, so the box loss only
/// saw forced low-quality matches and did not fall.
/// Returned as (priors, 4) (x1, y1, x2, y2) in input pixels, in the prediction head's order.
/// </summary>
public static class PriorGenerator
{
    public static Tensor Generate(IReadOnlyList<(long Height, long Width)> levelSizes, int imageSize, IReadOnlyList<double> scales,
        IReadOnlyList<double> aspectRatios)
    {
        if (levelSizes.Count != scales.Count)
            throw new ArgumentException($"{levelSizes.Count} levels but {scales.Count} prior scales.");
        var values = new List<float>();
        for (var level = 0; level < levelSizes.Count; level++)
        {
            var (height, width) = levelSizes[level];
            var scale = scales[level];
            for (var j = 0; j < height; j++)
                for (var i = 0; i < width; i++)
                {
                    double cx = (i + 0.5) / width * imageSize, cy = (j + 0.5) / height * imageSize;
                    foreach (var ratio in aspectRatios)
                    {
                        double w = scale * Math.Sqrt(ratio), h = scale / Math.Sqrt(ratio);
                        values.AddRange([(float)(cx - w / 2), (float)(cy - h / 2), (float)(cx + w / 2), (float)(cy + h / 2)]);
                    }
                }
        }
        return tensor(values.ToArray()).view(-1, 4);
    }
}
