using System.Text.Json;
using CloudSeg.Core.Geometry;
using CloudSeg.Core.Masks;

namespace CloudSeg.Core.Tests.Masks;

/// <summary>Checks RleMask against values computed by pycocotools' C mask API (tests/fixtures/core/make_coco_fixture.py).</summary>
public class RleMaskTests
{
    private static readonly JsonElement Reference = Fixtures.Json("coco_rle.json");

    public static TheoryData<string> MaskNames() => new(Reference.GetProperty("masks").EnumerateArray().Select(m => m.GetProperty("name").GetString()!));

    public static TheoryData<string> PolygonNames() => new(Reference.GetProperty("polygons").EnumerateArray().Select(m => m.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(MaskNames))]
    public void Counts_string_area_and_box_match_pycocotools(string name)
    {
        var expected = Mask(name);
        int h = expected.GetProperty("height").GetInt32(), w = expected.GetProperty("width").GetInt32();
        var counts = Fixtures.Counts(expected.GetProperty("counts"));
        var mask = new RleMask(h, w, counts);

        Assert.Equal(expected.GetProperty("string").GetString(), mask.ToCompressedString());
        Assert.Equal(mask, RleMask.FromCompressedString(expected.GetProperty("string").GetString()!, h, w));
        Assert.Equal(expected.GetProperty("area").GetInt64(), mask.Area);
        var bbox = expected.GetProperty("bbox").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        Assert.Equal(BoxF.FromXywh(bbox[0], bbox[1], bbox[2], bbox[3]), mask.BoundingBox);

        // Decoding then re-encoding gives the same runs, and the decoded mask has the expected number of pixels.
        var decoded = mask.Decode();
        Assert.Equal(expected.GetProperty("area").GetInt64(), decoded.Count(b => b == 1));
        Assert.Equal(mask, RleMask.Encode(decoded, h, w));
    }

    [Theory]
    [MemberData(nameof(MaskNames))]
    public void Row_major_masks_encode_column_major_like_pycocotools(string name)
    {
        var expected = Mask(name);
        if (!expected.TryGetProperty("rows", out var rows)) return; // large masks are stored as counts only
        int h = expected.GetProperty("height").GetInt32(), w = expected.GetProperty("width").GetInt32();
        var rowMajor = string.Concat(rows.EnumerateArray().Select(r => r.GetString())).Select(c => (byte)(c == '1' ? 1 : 0)).ToArray();

        var mask = RleMask.Encode(rowMajor, h, w);

        Assert.Equal(Fixtures.Counts(expected.GetProperty("counts")), mask.Counts);
        Assert.Equal(rowMajor, mask.Decode());
    }

    [Fact]
    public void Iou_union_and_intersection_match_pycocotools()
    {
        foreach (var pair in Reference.GetProperty("pairs").EnumerateArray())
        {
            var dt = FromCounts(Mask(pair.GetProperty("dt").GetString()!));
            var gt = FromCounts(Mask(pair.GetProperty("gt").GetString()!));
            Assert.Equal(pair.GetProperty("iou").GetDouble(), RleMask.IoU(dt, gt), 12);
            Assert.Equal(pair.GetProperty("iou_crowd").GetDouble(), RleMask.IoU(dt, gt, iscrowd: true), 12);
            Assert.Equal(Fixtures.Counts(pair.GetProperty("union")), dt.Union(gt).Counts);
            Assert.Equal(Fixtures.Counts(pair.GetProperty("intersection")), dt.Intersect(gt).Counts);
        }
    }

    [Theory]
    [MemberData(nameof(PolygonNames))]
    public void Polygons_rasterise_like_pycocotools(string name)
    {
        var expected = Reference.GetProperty("polygons").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);
        int h = expected.GetProperty("height").GetInt32(), w = expected.GetProperty("width").GetInt32();
        var polygons = expected.GetProperty("polygons").EnumerateArray()
            .Select(p => p.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();

        var mask = RleMask.FromPolygons(polygons, h, w);

        Assert.Equal(Fixtures.Counts(expected.GetProperty("counts")), mask.Counts);
        Assert.Equal(expected.GetProperty("string").GetString(), mask.ToCompressedString());
        Assert.Equal(expected.GetProperty("area").GetInt64(), mask.Area);
    }

    [Fact]
    public void Iou_of_masks_with_different_sizes_is_refused()
    {
        Assert.Throws<ArgumentException>(() => RleMask.IoU(RleMask.Empty(3, 4), RleMask.Empty(4, 3)));
    }

    [Fact]
    public void Counts_that_do_not_cover_the_mask_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new RleMask(3, 3, [4, 4]));
        Assert.Throws<ArgumentException>(() => RleMask.FromCompressedString("52", 3, 3)); // 5 + 2 = 7 != 9
        Assert.Throws<FormatException>(() => RleMask.FromCompressedString("0 1", 1, 1));
        Assert.Throws<FormatException>(() => RleMask.FromCompressedString("o", 1, 1)); // continuation bit with nothing after
    }

    [Fact]
    public void Uncompressed_counts_round_trip()
    {
        var mask = RleMask.FromUncompressed([0, 3, 2, 4], 3, 3);
        Assert.Equal(7, mask.Area);
        Assert.Equal([0L, 3, 2, 4], mask.ToUncompressed());
        Assert.Equal([1, 0, 1, 1, 0, 1, 1, 1, 1], mask.Decode()); // column 0 full, column 1 only its last row, column 2 full
    }

    [Fact]
    public void Foreground_runs_split_at_column_ends()
    {
        // 3x3: column 0 rows 1-2, column 1 rows 0-2, column 2 row 0.
        var mask = new RleMask(3, 3, [1, 6, 2]);
        Assert.Equal([(0, 1, 2), (1, 0, 3), (2, 0, 1)], mask.ForegroundRuns().ToArray());
    }

    private static JsonElement Mask(string name) =>
        Reference.GetProperty("masks").EnumerateArray().Single(m => m.GetProperty("name").GetString() == name);

    private static RleMask FromCounts(JsonElement entry) =>
        new(entry.GetProperty("height").GetInt32(), entry.GetProperty("width").GetInt32(), Fixtures.Counts(entry.GetProperty("counts")));
}
