using CloudSeg.Datasets.Shapes;
using CloudSeg.Datasets.Shapes.Wild;
using CloudSeg.Evaluation.Sources;

namespace CloudSeg.Datasets.Tests;

public sealed class WildShapesRendererTests : IDisposable
{
    private static readonly WildShapesOptions Options = new() { Seed = 5 };
    private readonly string root = Directory.CreateTempSubdirectory("cloudseg-wild-").FullName;

    [Fact]
    public void Same_seed_gives_the_same_picture_and_other_seeds_or_splits_do_not()
    {
        var first = new WildShapesRenderer(Options).Render(0, 2);
        var again = new WildShapesRenderer(Options).Render(0, 2);

        Assert.Equal(first.Image.Pixels, again.Image.Pixels);
        Assert.Equal(first.Instances.Select(i => (i.CategoryId, i.Mask)), again.Instances.Select(i => (i.CategoryId, i.Mask)));
        Assert.NotEqual(first.Image.Pixels, new WildShapesRenderer(Options).Render(1, 2).Image.Pixels);
        Assert.NotEqual(first.Image.Pixels, new WildShapesRenderer(Options with { Seed = 6 }).Render(0, 2).Image.Pixels);
    }

    [Fact]
    public void Pictures_come_in_the_configured_sizes_with_more_and_smaller_shapes_than_the_training_set()
    {
        var renderer = new WildShapesRenderer(Options);
        var classic = new ShapesGenerator(new ShapesOptions { Seed = 5 });
        var pictures = Enumerable.Range(0, 40).Select(i => renderer.Render(0, i)).ToList();
        var classicPictures = Enumerable.Range(0, 40).Select(i => classic.Render(0, i)).ToList();

        Assert.Equal(Options.Sizes.ToHashSet(), pictures.Select(p => (p.Image.Width, p.Image.Height)).ToHashSet());
        Assert.True(pictures.Average(p => p.Instances.Count) > classicPictures.Average(p => p.Instances.Count) + 1);
        // Relative to the picture's short side, objects are smaller (what the model sees after resizing to its input).
        static double RelativeSide(ShapesImage p) => p.Instances.Average(i => Math.Sqrt(i.Mask.Area)) / Math.Min(p.Image.Width, p.Image.Height);
        Assert.True(pictures.Where(p => p.Instances.Count > 0).Average(RelativeSide) < 0.8 * classicPictures.Average(RelativeSide));
    }

    [Fact]
    public void Visible_masks_never_overlap_match_their_boxes_and_stand_out_from_the_background()
    {
        var renderer = new WildShapesRenderer(Options);
        for (var index = 0; index < 20; index++)
        {
            var picture = renderer.Render(0, index);
            var (width, height) = (picture.Image.Width, picture.Image.Height);
            var owner = new int[width * height];
            foreach (var instance in picture.Instances)
            {
                Assert.InRange(instance.CategoryId, 1, Options.Classes.Count);
                Assert.True(instance.Mask.Area >= Options.MinVisiblePixels, $"image {index}: visible area {instance.Mask.Area}");
                Assert.Equal(instance.Mask.BoundingBox, instance.Box);
                var pixels = instance.Mask.Decode();
                for (var p = 0; p < pixels.Length; p++)
                    if (pixels[p] != 0)
                    {
                        Assert.Equal(0, owner[p]);
                        owner[p] = instance.CategoryId;
                    }
            }
            // Shapes are filled with a colour far from the background under them: masked pixels differ from the rest.
            if (picture.Instances.Count > 0)
                Assert.True(Distance(Mean(picture, owner, inside: true), Mean(picture, owner, inside: false)) > 30, $"image {index}");
        }
    }

    [Fact]
    public async Task Writes_a_coco_split_that_loads_back_with_the_rendered_pixels_and_masks()
    {
        var renderer = new WildShapesRenderer(Options);
        await new ShapesDatasetWriter(renderer).WriteAsync(root, [new ShapesSplit("test", 4)]);

        var test = await InstanceDataset.OpenAsync(FolderDatasetSource.Open(Path.Combine(root, "test")));
        Assert.Equal(["__background__", "circle", "square", "triangle", "star"], test.Categories.ClassNames);
        for (var index = 0; index < test.Count; index++)
        {
            var sample = await test.ReadSampleAsync(index);
            var expected = renderer.Render(0, index);
            Assert.Equal((expected.Image.Width, expected.Image.Height), (sample.Image.Width, sample.Image.Height));
            Assert.Equal(expected.Image.Pixels, sample.Image.Pixels);
            Assert.Equal(expected.Instances.Select(i => (i.CategoryId, i.Mask, i.Box)), sample.Instances.Select(i => (i.CategoryId, i.Mask, i.Box)));
        }
    }

    [Fact]
    public void Rejects_impossible_options()
    {
        Assert.Throws<ArgumentException>(() => new WildShapesRenderer(Options with { Classes = [ShapeKind.Hexagon] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WildShapesRenderer(Options with { Sizes = [(8, 300)] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WildShapesRenderer(Options with { MinShapesPerImage = 5, MaxShapesPerImage = 2 }));
    }

    private static double[] Mean(ShapesImage picture, int[] owner, bool inside)
    {
        var sums = new double[3];
        var count = 0;
        for (var p = 0; p < owner.Length; p++)
        {
            if ((owner[p] != 0) != inside) continue;
            for (var c = 0; c < 3; c++) sums[c] += picture.Image.Pixels[p * 3 + c];
            count++;
        }
        return sums.Select(s => s / Math.Max(1, count)).ToArray();
    }

    private static double Distance(double[] a, double[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Sum();

    public void Dispose() => Directory.Delete(root, recursive: true);
}
