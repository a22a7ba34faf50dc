using CloudSeg.Core.Imaging;
using CloudSeg.Tests;
using Xunit.Abstractions;

namespace CloudSeg.Inference.Tests;

/// <summary>Compares the segmenter's instances with the reference's, matching them by label and box (order can differ
/// between near-equal scores) and reporting how far masks differ.</summary>
public static class FixtureComparison
{
    public static RgbImage LoadImage(string stem) => ImageDecoder.DecodeFile(RepoPaths.FixtureImage(stem));

    /// <param name="maskAreaTolerance">Allowed |area difference| as a fraction of the expected area, plus one pixel.
    /// Masks come out identical on the machines we measured; the slack is for CPUs whose convolution kernels round
    /// differently in the last bit, which can flip pixels whose probability is within ~1e-7 of the threshold.</param>
    public static void AssertMatches(ExpectedImage expected, Segmentation actual, double boxTolerance, double maskAreaTolerance,
        ITestOutputHelper? log = null, bool compareRescoredScores = false)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        Assert.Equal(expected.Instances.Count, actual.Instances.Count);
        var unmatched = actual.Instances.ToList();
        var identicalMasks = 0;
        foreach (var want in expected.Instances)
        {
            var got = unmatched
                .Where(i => i.CategoryId == want.Label)
                .MinBy(i => BoxDistance(want.Box, i));
            Assert.True(got is not null, $"no instance of label {want.Label} for box [{string.Join(", ", want.Box)}]");
            unmatched.Remove(got);
            var distance = BoxDistance(want.Box, got);
            Assert.True(distance <= boxTolerance, $"box [{string.Join(", ", want.Box)}] came out as {got.Box} ({distance:G3} px off)");
            var wantScore = compareRescoredScores && want.MaskIou is { } iou ? want.Score * iou : want.Score;
            Assert.Equal(wantScore, got.Score, 1e-4f);
            if (want.MaskIou is { } expectedIou)
                Assert.Equal(expectedIou, got.MaskIou!.Value, 1e-4f);
            var areaDifference = Math.Abs(got.Mask.Area - want.MaskArea);
            var sameRle = got.Mask.ToCompressedString() == want.Rle;
            if (sameRle) identicalMasks++;
            log?.WriteLine($"label {want.Label} box off {distance:G3}px, area {got.Mask.Area} vs {want.MaskArea}, rle {(sameRle ? "same" : "differs")}");
            Assert.True(areaDifference <= want.MaskArea * maskAreaTolerance + 1,
                $"mask area {got.Mask.Area} vs expected {want.MaskArea} for box {got.Box}");
            Assert.Equal(actual.Height, got.Mask.Height);
            Assert.Equal(actual.Width, got.Mask.Width);
        }
        // Nearly all masks must be bit-identical to torchvision's (same pycocotools string), not just similar in area.
        Assert.True(identicalMasks >= expected.Instances.Count * 0.9, $"only {identicalMasks} of {expected.Instances.Count} masks are identical");
    }

    /// <summary>For references whose proposals depend on exact ties (see the model zoo tests): at least
    /// <paramref name="minFraction"/> of the expected instances must be found exactly (label, box within 1e-3 px, score,
    /// identical mask), and the counts may differ by at most the rest.</summary>
    public static void AssertMostlyMatches(ExpectedImage expected, Segmentation actual, double minFraction, ITestOutputHelper? log = null)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        var allowedMisses = (int)Math.Floor(expected.Instances.Count * (1 - minFraction));
        Assert.InRange(actual.Instances.Count, expected.Instances.Count - allowedMisses, expected.Instances.Count + allowedMisses);
        var unmatched = actual.Instances.ToList();
        var found = 0;
        foreach (var want in expected.Instances)
        {
            var got = unmatched.FirstOrDefault(i => i.CategoryId == want.Label && BoxDistance(want.Box, i) <= 1e-3
                                                    && Math.Abs(i.Score - want.Score) <= 1e-4 && i.Mask.ToCompressedString() == want.Rle);
            if (got is null) continue;
            unmatched.Remove(got);
            found++;
        }
        log?.WriteLine($"{found} of {expected.Instances.Count} expected instances reproduced exactly; {actual.Instances.Count} returned");
        Assert.True(found >= expected.Instances.Count - allowedMisses, $"only {found} of {expected.Instances.Count} instances reproduced");
    }

    private static double BoxDistance(float[] box, SegmentedInstance instance) =>
        new[] { box[0] - instance.Box.X1, box[1] - instance.Box.Y1, box[2] - instance.Box.X2, box[3] - instance.Box.Y2 }
            .Max(d => Math.Abs((double)d));
}
