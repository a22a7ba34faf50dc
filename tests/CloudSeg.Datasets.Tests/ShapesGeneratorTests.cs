using CloudSeg.Datasets.Shapes;

namespace CloudSeg.Datasets.Tests;

public sealed class ShapesGeneratorTests
{
    private static readonly ShapesOptions Options = new() { Seed = 7, MaxShapesPerImage = 6 };

    [Fact]
    public void Same_seed_gives_the_same_picture_and_masks()
    {
        var generator = new ShapesGenerator(Options);

        var first = generator.Generate(generator.ImageSeed(0, 3));
        var second = new ShapesGenerator(Options).Generate(generator.ImageSeed(0, 3));

        Assert.Equal(first.Image.Pixels, second.Image.Pixels);
        Assert.Equal(first.Instances.Select(i => i.Mask), second.Instances.Select(i => i.Mask));
        Assert.Equal(first.Instances.Select(i => i.CategoryId), second.Instances.Select(i => i.CategoryId));
    }

    [Fact]
    public void Different_seeds_and_splits_give_different_pictures()
    {
        var generator = new ShapesGenerator(Options);
        var other = new ShapesGenerator(Options with { Seed = 8 });

        var picture = generator.Generate(generator.ImageSeed(0, 0)).Image.Pixels;

        Assert.NotEqual(picture, generator.Generate(generator.ImageSeed(1, 0)).Image.Pixels);
        Assert.NotEqual(picture, generator.Generate(generator.ImageSeed(0, 1)).Image.Pixels);
        Assert.NotEqual(picture, other.Generate(other.ImageSeed(0, 0)).Image.Pixels);
    }

    [Fact]
    public void Visible_masks_never_overlap_and_are_big_enough()
    {
        var generator = new ShapesGenerator(Options);
        var instances = 0;
        for (var index = 0; index < 40; index++)
        {
            var picture = generator.Generate(generator.ImageSeed(0, index));
            var owner = new int[Options.ImageSize * Options.ImageSize];
            foreach (var instance in picture.Instances)
            {
                Assert.InRange(instance.CategoryId, 1, Options.Classes.Count);
                Assert.True(instance.Mask.Area >= Options.MinVisiblePixels, $"image {index}: visible area {instance.Mask.Area}");
                var pixels = instance.Mask.Decode();
                for (var p = 0; p < pixels.Length; p++)
                {
                    if (pixels[p] != 0)
                    {
                        Assert.Equal(0, owner[p]);
                        owner[p] = instance.CategoryId;
                    }
                }
                Assert.Equal(instance.Mask.BoundingBox, instance.Box);
                instances++;
            }
        }
        // Occlusion drops some shapes, yet most pictures keep several objects.
        Assert.InRange(instances, 40 * 2, 40 * Options.MaxShapesPerImage);
    }

    [Fact]
    public void Masks_cover_the_drawn_shapes_not_the_background()
    {
        // Shapes are drawn in colours far from the background's: inside and outside a mask look different.
        var generator = new ShapesGenerator(Options with { MaxShapesPerImage = 1, MinShapesPerImage = 1 });
        for (var index = 0; index < 10; index++)
        {
            var picture = generator.Generate(generator.ImageSeed(0, index));
            var instance = Assert.Single(picture.Instances);
            var mask = instance.Mask.Decode();

            var meanInside = Mean(picture, mask, inside: true);
            var meanOutside = Mean(picture, mask, inside: false);

            Assert.True(Distance(meanInside, meanOutside) > 40,
                $"image {index}: inside {string.Join(',', meanInside)} vs outside {string.Join(',', meanOutside)}");
        }
    }

    [Fact]
    public void Every_kind_of_shape_can_be_drawn()
    {
        var kinds = Enum.GetValues<ShapeKind>();
        var generator = new ShapesGenerator(Options with { Classes = kinds });

        var seen = Enumerable.Range(0, 60)
            .SelectMany(index => generator.Generate(generator.ImageSeed(0, index)).Instances)
            .Select(i => kinds[i.CategoryId - 1])
            .ToHashSet();

        Assert.Equal(kinds.ToHashSet(), seen);
    }

    [Fact]
    public void Rejects_impossible_options()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShapesGenerator(Options with { ImageSize = 4 }));
        Assert.Throws<ArgumentException>(() => new ShapesGenerator(Options with { Classes = [] }));
        Assert.Throws<ArgumentException>(() => ShapeKinds.Parse("blob"));
        Assert.Equal(ShapeKind.Hexagon, ShapeKinds.Parse(" Hexagon"));
    }

    private static double[] Mean(ShapesImage picture, byte[] mask, bool inside)
    {
        var sums = new double[3];
        var count = 0;
        for (var p = 0; p < mask.Length; p++)
        {
            if ((mask[p] != 0) != inside)
            {
                continue;
            }
            for (var c = 0; c < 3; c++)
            {
                sums[c] += picture.Image.Pixels[p * 3 + c];
            }
            count++;
        }
        return sums.Select(s => s / count).ToArray();
    }

    private static double Distance(double[] a, double[] b) => a.Zip(b).Sum(p => Math.Abs(p.First - p.Second));
}
