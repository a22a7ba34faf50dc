using CloudSeg.Core.Geometry;
using CloudSeg.Core.Imaging;
using CloudSeg.Evaluation.Sources;

namespace CloudSeg.Datasets.Tests;

public sealed class InstanceDatasetTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("cloudseg-dataset-").FullName;

    [Fact]
    public async Task Reads_polygons_rle_and_box_only_annotations_and_flags_crowds()
    {
        await WriteAsync(width: 20, height: 10, """
            [
              {"id": 1, "image_id": 5, "category_id": 7, "iscrowd": 0, "area": 16, "bbox": [2, 2, 4, 4], "segmentation": [[2, 2, 6, 2, 6, 6, 2, 6]]},
              {"id": 2, "image_id": 5, "category_id": 3, "iscrowd": 1, "area": 10, "bbox": [0, 0, 1, 10], "segmentation": {"size": [10, 20], "counts": [0, 10, 190]}},
              {"id": 3, "image_id": 5, "category_id": 3, "iscrowd": 0, "area": 6, "bbox": [10, 4, 3, 2]},
              {"id": 4, "image_id": 5, "category_id": 3, "iscrowd": 0, "area": 0, "bbox": [15, 5, 0.5, 3]}
            ]
            """);

        var dataset = await InstanceDataset.OpenAsync(FolderDatasetSource.Open(root));
        var sample = await dataset.ReadSampleAsync(0);

        Assert.Equal(1, dataset.Count);
        Assert.Equal((20, 10), (sample.Image.Width, sample.Image.Height));
        // The sliver (id 4, narrower than a pixel) is dropped.
        Assert.Equal([7, 3, 3], sample.Instances.Select(i => i.CategoryId));
        Assert.Equal([false, true, false], sample.Instances.Select(i => i.IsCrowd));
        Assert.Equal(10, sample.Instances[1].Mask.Area);
        Assert.Equal(6, sample.Instances[2].Mask.Area);
        Assert.Equal(new BoxF(10, 4, 13, 6), sample.Instances[2].Box);
        // Labels are contiguous in category-id order: 3 -> 1, 7 -> 2.
        Assert.Equal(2, dataset.Categories.Label(7));
        Assert.Equal(3, dataset.Categories.CategoryId(1));
        Assert.Throws<InvalidDataException>(() => dataset.Categories.Label(4));
    }

    [Fact]
    public async Task A_picture_of_another_size_than_annotated_is_an_error()
    {
        await WriteAsync(width: 20, height: 10, "[]", annotatedWidth: 30);

        var dataset = await InstanceDataset.OpenAsync(FolderDatasetSource.Open(root));

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => dataset.ReadSampleAsync(0));
        Assert.Contains("20x10", error.Message);
    }

    [Fact]
    public async Task A_dataset_without_categories_is_refused()
    {
        await File.WriteAllTextAsync(Path.Combine(root, "annotations.json"), """{"images": [], "annotations": [], "categories": []}""");

        await Assert.ThrowsAsync<InvalidDataException>(() => InstanceDataset.OpenAsync(FolderDatasetSource.Open(root)));
    }

    private async Task WriteAsync(int width, int height, string annotations, int? annotatedWidth = null)
    {
        Directory.CreateDirectory(Path.Combine(root, "images"));
        var picture = new RgbImage(width, height, new byte[width * height * 3]);
        await File.WriteAllBytesAsync(Path.Combine(root, "images", "p.png"), ImageEncoder.Png(picture));
        await File.WriteAllTextAsync(Path.Combine(root, "annotations.json"), $$"""
            {"images": [{"id": 5, "file_name": "p.png", "width": {{annotatedWidth ?? width}}, "height": {{height}}}],
             "categories": [{"id": 7, "name": "b"}, {"id": 3, "name": "a"}],
             "annotations": {{annotations}}}
            """);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
