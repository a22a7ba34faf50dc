using CloudSeg.Datasets.Shapes;
using CloudSeg.Evaluation.Sources;

namespace CloudSeg.Datasets.Tests;

public sealed class ShapesDatasetWriterTests : IDisposable
{
    private static readonly ShapesOptions Options = new() { Seed = 3, ImageSize = 96 };
    private readonly string root = Directory.CreateTempSubdirectory("cloudseg-shapes-").FullName;

    [Fact]
    public async Task The_same_seed_writes_byte_identical_files()
    {
        ShapesSplit[] splits = [new("train", 6), new("val", 3)];

        await new ShapesDatasetWriter(Options).WriteAsync(Path.Combine(root, "a"), splits);
        await new ShapesDatasetWriter(Options).WriteAsync(Path.Combine(root, "b"), splits);

        var files = Directory.GetFiles(Path.Combine(root, "a"), "*", SearchOption.AllDirectories).Order().ToArray();
        Assert.Equal(2 + 6 + 3, files.Length);
        foreach (var file in files)
        {
            var twin = Path.Combine(root, "b", Path.GetRelativePath(Path.Combine(root, "a"), file));
            Assert.Equal(await File.ReadAllBytesAsync(file), await File.ReadAllBytesAsync(twin));
        }
    }

    [Fact]
    public async Task Written_splits_load_back_with_the_same_instances()
    {
        var datasets = await new ShapesDatasetWriter(Options).WriteAsync(root, [new("train", 5), new("val", 2)]);

        var train = await InstanceDataset.OpenAsync(FolderDatasetSource.Open(Path.Combine(root, "train")));
        Assert.Equal(5, train.Count);
        Assert.Equal(["__background__", "circle", "square", "triangle", "star"], train.Categories.ClassNames);
        var generator = new ShapesGenerator(Options);
        for (var index = 0; index < train.Count; index++)
        {
            var sample = await train.ReadSampleAsync(index);
            var expected = generator.Generate(generator.ImageSeed(0, index));
            // PNG is lossless: the picture decodes to exactly the generated pixels.
            Assert.Equal(expected.Image.Pixels, sample.Image.Pixels);
            Assert.Equal(expected.Instances.Select(i => (i.CategoryId, i.Mask, i.Box)), sample.Instances.Select(i => (i.CategoryId, i.Mask, i.Box)));
        }
        var annotation = datasets[1].Annotations[0];
        Assert.Equal(annotation.Area, annotation.Segmentation!.ToMask(96, 96).Area);
        Assert.Equal(2, datasets[1].Images.Count);
    }

    [Fact]
    public async Task Jpeg_output_is_supported()
    {
        var datasets = await new ShapesDatasetWriter(Options).WriteAsync(root, [new("val", 2)], ImageFileFormat.Jpeg);

        var image = datasets[0].Images[0];
        Assert.EndsWith(".jpg", image.FileName);
        var bytes = await File.ReadAllBytesAsync(Path.Combine(root, "val", "images", image.FileName));
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, bytes[..2]);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
