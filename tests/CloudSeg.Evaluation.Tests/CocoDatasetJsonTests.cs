using System.Text;
using CloudSeg.Core.Masks;
using CloudSeg.Evaluation.Coco;

namespace CloudSeg.Evaluation.Tests;

public sealed class CocoDatasetJsonTests
{
    private const string ThreeEncodings = """
        {
          "info": {"description": "ignored"},
          "images": [{"id": 7, "file_name": "a.png", "width": 4, "height": 3}],
          "categories": [{"id": 2, "name": "circle", "supercategory": "shape"}],
          "annotations": [
            {"id": 1, "image_id": 7, "category_id": 2, "iscrowd": 0, "area": 4, "bbox": [1, 0, 2, 2],
             "segmentation": [[1, 0, 3, 0, 3, 2, 1, 2]]},
            {"id": 2, "image_id": 7, "category_id": 2, "iscrowd": 1, "area": 3, "bbox": [0, 0, 1, 3],
             "segmentation": {"size": [3, 4], "counts": [0, 3, 9]}},
            {"id": 3, "image_id": 7, "category_id": 2, "iscrowd": 0, "area": 2, "bbox": [3, 1, 1, 2],
             "segmentation": {"size": [3, 4], "counts": "921"}}
          ]
        }
        """;

    [Fact]
    public async Task Reads_polygons_uncompressed_and_compressed_rle()
    {
        var dataset = await Read(ThreeEncodings);

        Assert.Equal(7, dataset.Images.Single().Id);
        var segmentations = dataset.Annotations.Select(a => a.Segmentation!).ToArray();
        Assert.True(segmentations[0].IsPolygons);
        Assert.Equal([1, 0, 3, 0, 3, 2, 1, 2], segmentations[0].Polygons!.Single());
        Assert.Equal([0L, 3, 9], segmentations[1].UncompressedCounts!);
        Assert.Equal("921", segmentations[2].CompressedCounts);
        Assert.Equal(1, dataset.Annotations[1].IsCrowd);

        // First column (3 pixels) for the uncompressed RLE; rows 0-1 of the last column for the compressed one.
        Assert.Equal(3, segmentations[1].ToMask(3, 4).Area);
        var compressed = segmentations[2].ToMask(3, 4).Decode();
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0 }, compressed);
        Assert.Equal(RleMask.FromPolygons(segmentations[0].Polygons!, 3, 4), segmentations[0].ToMask(3, 4));
    }

    [Fact]
    public async Task Writes_each_encoding_back_as_it_was_read()
    {
        var dataset = await Read(ThreeEncodings);

        using var stream = new MemoryStream();
        await CocoDatasetJson.WriteAsync(stream, dataset);
        var again = await Read(Encoding.UTF8.GetString(stream.ToArray()));

        Assert.Equal(dataset.Annotations.Count, again.Annotations.Count);
        for (var i = 0; i < dataset.Annotations.Count; i++)
        {
            var (before, after) = (dataset.Annotations[i].Segmentation!, again.Annotations[i].Segmentation!);
            Assert.Equal(before.ToMask(3, 4), after.ToMask(3, 4));
            Assert.Equal(before.IsPolygons, after.IsPolygons);
            Assert.Equal(before.CompressedCounts, after.CompressedCounts);
            Assert.Equal(before.UncompressedCounts, after.UncompressedCounts);
            Assert.Equal(dataset.Annotations[i].Bbox, again.Annotations[i].Bbox);
            Assert.Equal(
                (dataset.Annotations[i].Id, dataset.Annotations[i].ImageId, dataset.Annotations[i].CategoryId, dataset.Annotations[i].Area, dataset.Annotations[i].IsCrowd),
                (again.Annotations[i].Id, again.Annotations[i].ImageId, again.Annotations[i].CategoryId, again.Annotations[i].Area, again.Annotations[i].IsCrowd));
        }
        Assert.Equal(dataset.Categories, again.Categories);
        Assert.Equal(dataset.Images, again.Images);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"images": [], "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "segmentation": 5}]}""")]
    [InlineData("""{"annotations": [{"id": 1, "image_id": 1, "category_id": 1, "segmentation": {"counts": "ab"}}]}""")]
    [InlineData("null")]
    public async Task Rejects_malformed_files_with_a_clear_error(string json)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Read(json));
        Assert.Contains("COCO annotations", error.Message);
    }

    [Fact]
    public void Rle_of_another_size_than_the_image_is_an_error()
    {
        var segmentation = CocoAnnotationSegmentation.FromCompressedRle("921", 3, 4);

        Assert.Throws<InvalidDataException>(() => segmentation.ToMask(4, 4));
    }

    [Fact]
    public async Task Annotations_of_unknown_images_are_reported()
    {
        var dataset = await Read("""{"images": [{"id": 1, "width": 2, "height": 2}], "annotations": [{"id": 5, "image_id": 9, "category_id": 1}]}""");

        var error = Assert.Throws<InvalidDataException>(() => dataset.AnnotationsByImage());
        Assert.Contains("image 9", error.Message);
    }

    private static Task<CocoDataset> Read(string json) =>
        CocoDatasetJson.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)));
}
