using CloudSeg.Core.Geometry;
using CloudSeg.Core.Imaging;

namespace CloudSeg.Datasets.Augmentation;

/// <summary>
/// The random choices for one training sample, drawn first and then applied alike to the picture, the boxes and the
/// masks, so they stay aligned. Drawing from a seeded <see cref="Random"/> makes an epoch reproducible.
/// </summary>
public readonly record struct AugmentationPlan(bool FlipHorizontally, double Scale)
{
    public static AugmentationPlan Identity => new(false, 1.0);

    public static AugmentationPlan Sample(AugmentationOptions options, Random random)
    {
        var flip = random.NextDouble() < options.HorizontalFlipProbability;
        var scale = options.MinScale + random.NextDouble() * (options.MaxScale - options.MinScale);
        return new AugmentationPlan(flip, scale);
    }

    /// <summary>
    /// The augmented sample. Instances whose mask vanishes when shrunk are dropped, since they have nothing left to learn.
    /// </summary>
    public DatasetSample Apply(DatasetSample sample)
    {
        if (this == Identity)
        {
            return sample;
        }
        var source = sample.Image;
        var width = Math.Max(1, (int)Math.Round(source.Width * Scale));
        var height = Math.Max(1, (int)Math.Round(source.Height * Scale));
        var image = PixelTransforms.ResizeBilinear(source, width, height, FlipHorizontally);
        var scaleX = (float)width / source.Width;
        var scaleY = (float)height / source.Height;

        var instances = new List<InstanceAnnotation>(sample.Instances.Count);
        foreach (var instance in sample.Instances)
        {
            var mask = PixelTransforms.ResizeNearest(instance.Mask, width, height, FlipHorizontally);
            if (mask.Area == 0)
            {
                continue;
            }
            var box = instance.Box.Scale(scaleX, scaleY);
            if (FlipHorizontally)
            {
                box = new BoxF(width - box.X2, box.Y1, width - box.X1, box.Y2);
            }
            instances.Add(instance with { Mask = mask, Box = box });
        }
        var info = sample.Info with { Width = width, Height = height };
        return new DatasetSample(info, image, instances);
    }
}
