using System.Text.Json;
using CloudSeg.Core.Geometry;
using CloudSeg.Core.Masks;

namespace CloudSeg.Core.Tests.Masks;

/// <summary>
/// Checks MaskPaster against torchvision's paste_masks_in_image and, in aligned mode, against Detectron2's
/// grid_sample paste (tests/fixtures/core/make_paste_fixture.py).
/// </summary>
public class MaskPasterTests
{
    private static readonly JsonElement Reference = Fixtures.Json("paste.json");

    public static TheoryData<string> CaseNames() => new(Reference.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Pasted_mask_matches_torchvision(string name)
    {
        var (expected, pasted) = PasteCase(name, "counts", MaskPasteMode.Torchvision);

        var mismatches = expected.Decode().Zip(pasted.Decode()).Count(p => p.First != p.Second);
        Assert.True(mismatches == 0, $"{mismatches} of {expected.Area} foreground pixels differ from torchvision");
        Assert.Equal(expected, pasted);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Aligned_paste_matches_grid_sample_at_pixel_centres(string name)
    {
        var (expected, pasted) = PasteCase(name, "aligned_counts", MaskPasteMode.Aligned);

        var mismatches = expected.Decode().Zip(pasted.Decode()).Count(p => p.First != p.Second);
        Assert.True(mismatches == 0, $"{mismatches} pixels differ from grid_sample (expected area {expected.Area}, got {pasted.Area})");
    }

    /// <summary>The fixture case's expected mask (from <paramref name="countsField"/>) and our paste of its map.</summary>
    private static (RleMask Expected, RleMask Pasted) PasteCase(string name, string countsField, MaskPasteMode mode)
    {
        var c = Reference.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        int h = c.GetProperty("height").GetInt32(), w = c.GetProperty("width").GetInt32();
        var box = Fixtures.Floats(c.GetProperty("box"));
        var expected = new RleMask(h, w, Fixtures.Counts(c.GetProperty(countsField)));
        var pasted = MaskPaster.Paste(Fixtures.Floats(c.GetProperty("probs")), c.GetProperty("mask_size").GetInt32(),
            new BoxF(box[0], box[1], box[2], box[3]), h, w, c.GetProperty("threshold").GetSingle(), mode);
        return (expected, pasted);
    }

    [Fact]
    public void Aligned_certain_mask_covers_exactly_the_pixels_whose_centres_lie_in_the_box()
    {
        var probs = Enumerable.Repeat(1f, 28 * 28).ToArray();
        var pasted = MaskPaster.Paste(probs, 28, new BoxF(2.6f, 4.2f, 10.4f, 9.4f), 20, 16, 0.5f, MaskPasteMode.Aligned);

        // Columns 3–9 (centres 3.5 … 9.5 lie in (2.6, 10.4)), rows 4–8 (centres 4.5 … 8.5 lie in (4.2, 9.4)).
        var expected = new byte[20 * 16];
        for (var y = 4; y <= 8; y++)
            for (var x = 3; x <= 9; x++)
                expected[y * 16 + x] = 1;
        Assert.Equal(RleMask.Encode(expected, 20, 16), pasted);
    }

    [Fact]
    public void Box_entirely_outside_the_image_gives_an_empty_mask()
    {
        var probs = Enumerable.Repeat(1f, 28 * 28).ToArray();
        var pasted = MaskPaster.Paste(probs, 28, new BoxF(200, 10, 260, 40), 50, 60, 0.5f);
        Assert.Equal(RleMask.Empty(50, 60), pasted);
    }

    [Fact]
    public void Certain_mask_fills_its_box()
    {
        // All-ones probabilities: after padding and resizing, every pixel of the box except a thin border is 1.
        var probs = Enumerable.Repeat(1f, 28 * 28).ToArray();
        var pasted = MaskPaster.Paste(probs, 28, new BoxF(10, 20, 50, 60), 100, 100, 0.5f);
        var box = pasted.BoundingBox;
        Assert.InRange(box.X1, 9, 11);
        Assert.InRange(box.X2, 49, 51);
        Assert.InRange(pasted.Area, 38 * 38, 42 * 42);
    }

    [Fact]
    public void Wrong_probability_count_is_refused()
    {
        Assert.Throws<ArgumentException>(() => MaskPaster.Paste(new float[27 * 28], 28, new BoxF(0, 0, 5, 5), 10, 10, 0.5f));
    }
}
