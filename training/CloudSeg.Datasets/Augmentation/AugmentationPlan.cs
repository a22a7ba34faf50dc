using CloudSeg.Core.Geometry;
using CloudSeg.Core.Imaging;

namespace CloudSeg.Datasets.Augmentation;

/// <summary>
/// The random choices for one training sample, drawn first and then applied alike to the picture, the boxes and the
/// masks, so they stay aligned. Drawing from a seeded <see cref="Random"/> makes an epoch reproducible. Order, as in
/// SSD: photometric distortion, flip and resize, large-scale jitter, noise. Options that are off draw nothing, so a
/// recipe without them draws exactly what it drew before they existed.
/// </summary>
public readonly record struct AugmentationPlan(bool FlipHorizontally, double Scale, LargeScaleJitter? Jitter = null,
    PhotometricDistortion? Photometric = null, GaussianNoise? Noise = null)
{
    public static AugmentationPlan Identity => new(false, 1.0);

    public static AugmentationPlan Sample(AugmentationOptions options, Random random)
    {
        var flip = random.NextDouble() < options.HorizontalFlipProbability;
        var scale = options.MinScale + random.NextDouble() * (options.MaxScale - options.MinScale);
        LargeScaleJitter? jitter = options.JitterMinScale != 1 || options.JitterMaxScale != 1
            ? LargeScaleJitter.Sample(options.JitterMinScale, options.JitterMaxScale, random)
            : null;
        PhotometricDistortion? photometric = options.PhotometricDistortion ? PhotometricDistortion.Sample(random) : null;
        GaussianNoise? noise = null;
        if (options.NoiseSigma > 0 && random.NextDouble() < 0.5)
        {
            noise = new GaussianNoise(random.NextDouble() * options.NoiseSigma, random.Next());
        }
        return new AugmentationPlan(flip, scale, jitter, photometric, noise);
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
        if (Photometric is { } photometric)
        {
            sample = sample with { Image = photometric.Apply(sample.Image) };
        }
        if (FlipHorizontally || Scale != 1)
        {
            sample = FlipAndResize(sample);
        }
        if (Jitter is { } jitter)
        {
            sample = jitter.Apply(sample);
        }
        if (Noise is { } noise)
        {
            sample = sample with { Image = noise.Apply(sample.Image) };
        }
        return sample;
    }

    DatasetSample FlipAndResize(DatasetSample sample)
    {
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
