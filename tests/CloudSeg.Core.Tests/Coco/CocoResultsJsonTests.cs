using System.Text;
using System.Text.Json;
using CloudSeg.Core.Coco;
using CloudSeg.Core.Geometry;
using CloudSeg.Core.Masks;

namespace CloudSeg.Core.Tests.Coco;

public class CocoResultsJsonTests
{
    [Fact]
    public void Writes_cocos_field_names_and_shapes()
    {
        var mask = new RleMask(4, 3, [1, 2, 9]);
        CocoResult[] results =
        [
            CocoResult.From(42, 3, new BoxF(1.5f, 2, 11.5f, 22), 0.875f, mask),
            CocoResult.From(42, 1, new BoxF(0, 0, 2, 2), 0.5f, mask, maskIou: 0.625f),
        ];

        var json = Encoding.UTF8.GetString(CocoResultsJson.ToUtf8Bytes(results));

        Assert.Equal(
            """[{"image_id":42,"category_id":3,"bbox":[1.5,2,10,20],"score":0.875,"segmentation":{"size":[4,3],"counts":"129"}},""" +
            """{"image_id":42,"category_id":1,"bbox":[0,0,2,2],"score":0.5,"segmentation":{"size":[4,3],"counts":"129"},"mask_iou":0.625}]""",
            json);
    }

    [Fact]
    public void Counts_strings_are_written_as_pycocotools_writes_them_without_unicode_escapes()
    {
        // A run of 48 gives the counts character '`' (48 + 48); angle brackets come from other runs.
        var mask = new RleMask(100, 1, [48, 12, 40]);
        var counts = mask.ToCompressedString();
        Assert.Contains('`', counts);

        var json = Encoding.UTF8.GetString(CocoResultsJson.ToUtf8Bytes([CocoResult.From(1, 1, new BoxF(0, 0, 1, 1), 1f, mask)]));

        Assert.Contains($"\"counts\":\"{counts}\"", json);
        Assert.DoesNotContain("\\u", json);
    }

    [Fact]
    public async Task Round_trips_through_streams()
    {
        var mask = RleMask.FromPolygons([[2.0, 2.0, 30.0, 4.0, 20.0, 25.0]], 32, 40);
        var results = Enumerable.Range(0, 500).Select(i => CocoResult.From(i, i % 5, new BoxF(i, 2, i + 10, 30), i / 500f, mask, i % 2 == 0 ? 0.5f : null)).ToList();
        using var stream = new MemoryStream();
        await CocoResultsJson.WriteAsync(stream, results);
        stream.Position = 0;

        var read = await CocoResultsJson.ReadAsync(stream);

        Assert.Equal(results.Count, read.Count);
        for (var i = 0; i < results.Count; i++)
        {
            Assert.Equal(results[i].ImageId, read[i].ImageId);
            Assert.Equal(results[i].Bbox, read[i].Bbox);
            Assert.Equal(results[i].Score, read[i].Score);
            Assert.Equal(results[i].MaskIou, read[i].MaskIou);
            Assert.Equal(mask, read[i].Segmentation!.ToMask());
        }
    }

    [Fact]
    public void Reads_uncompressed_counts_and_extra_fields()
    {
        const string json = """[{"image_id":7,"category_id":2,"bbox":[1,2,3,4],"score":0.9,"area":5,"segmentation":{"counts":[1,2,9],"size":[4,3]}}]""";
        var result = Assert.Single(CocoResultsJson.Read(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        Assert.Equal(new CocoSegmentation(4, 3, "129"), result.Segmentation);
        Assert.Equal(new BoxF(1, 2, 4, 6), result.Box);
        Assert.Null(result.MaskIou);
    }

    [Theory]
    [InlineData("""[{"category_id":2,"bbox":[1,2,3,4],"score":0.9}]""")]
    [InlineData("""[{"image_id":1,"category_id":2,"bbox":null,"score":0.9}]""")]
    [InlineData("""[{"image_id":1,"category_id":2,"bbox":[1,2,3,4],"score":0.9,"segmentation":{"size":[2,2],"counts":[1,1]}}]""")]
    [InlineData("""{"not":"a list"}""")]
    public void Malformed_results_are_json_errors(string json)
    {
        Assert.ThrowsAny<JsonException>(() => CocoResultsJson.Read(new MemoryStream(Encoding.UTF8.GetBytes(json))));
    }
}
