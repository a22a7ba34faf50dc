using CloudSeg.Core.Geometry;
using CloudSeg.Core.Imaging;
using CloudSeg.Core.Masks;
using CloudSeg.Datasets.Augmentation;
using CloudSeg.Evaluation.Coco;

namespace CloudSeg.Datasets.Tests;

public sealed class LargeScaleJitterTests
{
    [Fact]
    public void Shrinking_keeps_the_canvas_pads_with_the_mean_colour_and_shrinks_the_objects()
    {
        var sample = WhiteSquares(40, 40, new BoxF(8, 8, 24, 24));

        var result = new LargeScaleJitter(Scale: 0.5, OffsetX: 0, OffsetY: 0).Apply(sample);

        Assert.Equal((40, 40), (result.Image.Width, result.Image.Height));
        var instance = Assert.Single(result.Instances);
        Assert.Equal(new BoxF(4, 4, 12, 12), instance.Box);
        Assert.Equal(instance.Box, instance.Mask.BoundingBox);
        Assert.Equal(64, instance.Mask.Area);
        Assert.Equal([124, 116, 104], Pixel(result.Image, 30, 30));
        Assert.Equal([124, 116, 104], Pixel(result.Image, 25, 5));
        Assert.Equal([0, 0, 0], Pixel(result.Image, 1, 1));
        AssertMaskIsWhite(result);
    }

    [Fact]
    public void Growing_crops_cuts_objects_to_what_is_left_and_drops_those_outside()
    {
        var sample = WhiteSquares(40, 40, new BoxF(8, 8, 24, 24), new BoxF(30, 30, 38, 38));

        // 80×80 content, centred: offset −20 on both axes.
        var result = new LargeScaleJitter(Scale: 2, OffsetX: 0.5, OffsetY: 0.5).Apply(sample);

        Assert.Equal((40, 40), (result.Image.Width, result.Image.Height));
        var instance = Assert.Single(result.Instances);
        Assert.Equal(new BoxF(0, 0, 28, 28), instance.Box);
        Assert.Equal(instance.Box, instance.Mask.BoundingBox);
        Assert.Equal(28 * 28, instance.Mask.Area);
        AssertMaskIsWhite(result);
    }

    [Fact]
    public void Offsets_place_the_shrunk_picture_anywhere_in_the_free_room()
    {
        var sample = WhiteSquares(40, 20, new BoxF(0, 0, 40, 20));

        var result = new LargeScaleJitter(Scale: 0.5, OffsetX: 1, OffsetY: 1).Apply(sample);

        var instance = Assert.Single(result.Instances);
        Assert.Equal(new BoxF(20, 10, 40, 20), instance.Box);
        Assert.Equal([124, 116, 104], Pixel(result.Image, 19, 9));
        Assert.Equal([255, 255, 255], Pixel(result.Image, 20, 10));
        Assert.Equal([255, 255, 255], Pixel(result.Image, 39, 19));
    }

    [Fact]
    public void Plans_wire_the_jitter_in_only_when_asked()
    {
        var off = new AugmentationOptions();
        var on = off with { JitterMinScale = 0.5, JitterMaxScale = 1.5 };

        var plans = Enumerable.Range(0, 50).Select(i => AugmentationPlan.Sample(on, new Random(i))).ToList();

        Assert.All(Enumerable.Range(0, 20), i => Assert.Null(AugmentationPlan.Sample(off, new Random(i)).Jitter));
        Assert.All(plans, p => Assert.InRange(p.Jitter!.Value.Scale, 0.5, 1.5));
        Assert.Contains(plans, p => p.Jitter!.Value.Scale < 0.8);
        Assert.Contains(plans, p => p.Jitter!.Value.Scale > 1.2);
        Assert.Throws<ArgumentOutOfRangeException>(() => (off with { JitterMinScale = 0 }).Validate());
    }

    static byte[] Pixel(RgbImage image, int x, int y) => image.Pixels.AsSpan((y * image.Width + x) * 3, 3).ToArray();

    /// <summary>Every mask pixel away from the mask's border is white in the picture: masks and picture stay aligned.</summary>
    static void AssertMaskIsWhite(DatasetSample sample)
    {
        foreach (var instance in sample.Instances)
        {
            var mask = instance.Mask.Decode();
            for (var y = 1; y < sample.Image.Height - 1; y++)
            {
                for (var x = 1; x < sample.Image.Width - 1; x++)
                {
                    var interior = mask[y * sample.Image.Width + x] == 1 && mask[(y - 1) * sample.Image.Width + x] == 1
                        && mask[(y + 1) * sample.Image.Width + x] == 1 && mask[y * sample.Image.Width + x - 1] == 1
                        && mask[y * sample.Image.Width + x + 1] == 1;
                    if (interior)
                    {
                        Assert.Equal([255, 255, 255], Pixel(sample.Image, x, y));
                    }
                }
            }
        }
    }

    /// <summary>A black picture with white rectangles, one instance each.</summary>
    static DatasetSample WhiteSquares(int width, int height, params BoxF[] boxes)
    {
        var pixels = new byte[width * height * 3];
        var instances = new List<InstanceAnnotation>();
        foreach (var box in boxes)
        {
            var mask = new byte[width * height];
            for (var y = (int)box.Y1; y < (int)box.Y2; y++)
            {
                for (var x = (int)box.X1; x < (int)box.X2; x++)
                {
                    mask[y * width + x] = 1;
                    pixels.AsSpan((y * width + x) * 3, 3).Fill(255);
                }
            }
            instances.Add(new InstanceAnnotation(1, RleMask.Encode(mask, height, width), box));
        }
        var info = new CocoImage { Id = 1, FileName = "x.png", Width = width, Height = height };
        return new DatasetSample(info, new RgbImage(width, height, pixels), instances);
    }
}
