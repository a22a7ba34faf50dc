using CloudSeg.Core.Geometry;
using CloudSeg.Core.Imaging;
using CloudSeg.Core.Masks;
using CloudSeg.Datasets.Augmentation;
using CloudSeg.Evaluation.Coco;

namespace CloudSeg.Datasets.Tests;

public sealed class AugmentationPlanTests
{
    [Fact]
    public void Horizontal_flip_mirrors_picture_masks_and_boxes_alike()
    {
        var sample = Sample(width: 8, height: 4, x1: 1, y1: 1, x2: 3, y2: 3);

        var flipped = new AugmentationPlan(FlipHorizontally: true, Scale: 1).Apply(sample);

        var instance = Assert.Single(flipped.Instances);
        Assert.Equal(new BoxF(5, 1, 7, 3), instance.Box);
        Assert.Equal(instance.Box, instance.Mask.BoundingBox);
        // The first pixel of each row is now the last one.
        for (var y = 0; y < 4; y++)
        {
            Assert.Equal(sample.Image.Pixels.AsSpan(y * 24, 3).ToArray(), flipped.Image.Pixels.AsSpan(y * 24 + 21, 3).ToArray());
        }
        var twice = new AugmentationPlan(true, 1).Apply(flipped);
        Assert.Equal(sample.Image.Pixels, twice.Image.Pixels);
        Assert.Equal(sample.Instances[0].Mask, twice.Instances[0].Mask);
    }

    [Fact]
    public void Scaling_resizes_picture_masks_and_boxes_together()
    {
        var sample = Sample(width: 20, height: 10, x1: 2, y1: 2, x2: 8, y2: 6);

        var scaled = new AugmentationPlan(FlipHorizontally: false, Scale: 2).Apply(sample);

        Assert.Equal((40, 20), (scaled.Image.Width, scaled.Image.Height));
        Assert.Equal((40, 20), (scaled.Info.Width, scaled.Info.Height));
        var instance = Assert.Single(scaled.Instances);
        Assert.Equal(new BoxF(4, 4, 16, 12), instance.Box);
        Assert.Equal(instance.Box, instance.Mask.BoundingBox);
        Assert.Equal(4 * sample.Instances[0].Mask.Area, instance.Mask.Area);
    }

    [Fact]
    public void Flip_and_shrink_together_stay_aligned()
    {
        var sample = Sample(width: 40, height: 40, x1: 4, y1: 8, x2: 20, y2: 24);

        var result = new AugmentationPlan(FlipHorizontally: true, Scale: 0.5).Apply(sample);

        var instance = Assert.Single(result.Instances);
        Assert.Equal(new BoxF(10, 4, 18, 12), instance.Box);
        Assert.Equal(instance.Box, instance.Mask.BoundingBox);
    }

    [Fact]
    public void Instances_that_vanish_when_shrunk_are_dropped()
    {
        var sample = Sample(width: 40, height: 40, x1: 5, y1: 5, x2: 6, y2: 6);

        var result = new AugmentationPlan(false, 0.25).Apply(sample);

        Assert.Empty(result.Instances);
    }

    [Fact]
    public void Sampling_is_reproducible_and_respects_the_options()
    {
        var options = new AugmentationOptions { HorizontalFlipProbability = 0.5, MinScale = 0.8, MaxScale = 1.2 };

        var first = Draw(options, new Random(5), 50);
        var second = Draw(options, new Random(5), 50);

        Assert.Equal(first, second);
        Assert.All(first, p => Assert.InRange(p.Scale, 0.8, 1.2));
        Assert.Contains(first, p => p.FlipHorizontally);
        Assert.Contains(first, p => !p.FlipHorizontally);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AugmentationOptions { MinScale = 2, MaxScale = 1 }.Validate());
    }

    private static List<AugmentationPlan> Draw(AugmentationOptions options, Random random, int count)
    {
        var plans = new List<AugmentationPlan>();
        for (var i = 0; i < count; i++)
        {
            plans.Add(AugmentationPlan.Sample(options, random));
        }
        return plans;
    }

    /// <summary>A picture with distinct pixel values and one rectangular instance [x1, x2) × [y1, y2).</summary>
    private static DatasetSample Sample(int width, int height, int x1, int y1, int x2, int y2)
    {
        var pixels = new byte[width * height * 3];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 7 % 251);
        }
        var mask = new byte[width * height];
        for (var y = y1; y < y2; y++)
        {
            for (var x = x1; x < x2; x++)
            {
                mask[y * width + x] = 1;
            }
        }
        var rle = RleMask.Encode(mask, height, width);
        var info = new CocoImage { Id = 1, FileName = "x.png", Width = width, Height = height };
        return new DatasetSample(info, new RgbImage(width, height, pixels), [new InstanceAnnotation(1, rle, new BoxF(x1, y1, x2, y2))]);
    }
}
