using CloudSeg.Core.Imaging;
using CloudSeg.Testing;
using SkiaSharp;

namespace CloudSeg.Core.Tests.Imaging;

/// <summary>
/// <see cref="ImageDecodeOptions.MaxSide"/>: a large picture is decoded straight to a smaller size (issue 11, finding 9:
/// eight 4.9 KB PNGs decoding to 6320×6320 took the functions host from 1.3 to 2.9 GB).
/// </summary>
public class ShrinkingDecodeTests
{
    private static readonly (byte, byte, byte)[] QuadrantColours = [(220, 30, 30), (30, 200, 40), (40, 60, 210), (240, 230, 40)];

    [Fact]
    public void A_decompression_bomb_is_decoded_to_the_asked_size_without_holding_its_full_size()
    {
        const int side = 6320;
        var bomb = HandMadePng.Png(side, side, colourType: 2, bitDepth: 8, new byte[(1 + side * 3) * side]);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var decoded = ImageDecoder.Decode(bomb, new ImageDecodeOptions { MaxSide = 1000 });

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal((1000, 1000), (decoded.Width, decoded.Height));
        Assert.All(decoded.Pixels, p => Assert.Equal(0, p));
        // The full-size RGB buffer alone would be 120 MB; the shrunk one is 3 MB.
        Assert.True(allocated < 8_000_000, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Shrinking_averages_blocks_and_keeps_colours_in_place()
    {
        var original = TestImages.Quadrants(400, 240, QuadrantColours);
        var decoded = ImageDecoder.Decode(TestImages.Encode(original, SKEncodedImageFormat.Png), new ImageDecodeOptions { MaxSide = 100 });

        Assert.Equal((100, 60), (decoded.Width, decoded.Height));
        AssertQuadrants(decoded);
        // A fine checkerboard averages to grey.
        var checker = new byte[64 * 64 * 3];
        for (var i = 0; i < 64 * 64; i++)
            if (((i % 64) + (i / 64)) % 2 == 0) checker[i * 3] = checker[i * 3 + 1] = checker[i * 3 + 2] = 255;
        var grey = ImageDecoder.Decode(TestImages.Encode(new RgbImage(64, 64, checker), SKEncodedImageFormat.Png), new ImageDecodeOptions { MaxSide = 16 });
        Assert.All(grey.Pixels, p => Assert.InRange(p, 126, 129));
    }

    [Fact]
    public void A_small_picture_is_not_enlarged_and_orientation_still_applies_when_shrinking()
    {
        var small = TestImages.Pattern(37, 23);
        Assert.Equal(small.Pixels, ImageDecoder.Decode(TestImages.Encode(small, SKEncodedImageFormat.Png), new ImageDecodeOptions { MaxSide = 100 }).Pixels);

        // EXIF 6: stored 240×400 (quadrants TR, BR, TL, BL of the upright picture), upright 400×240.
        var stored = TestImages.Quadrants(240, 400, QuadrantColours[1], QuadrantColours[3], QuadrantColours[0], QuadrantColours[2]);
        var jpeg = TestImages.WithExifOrientation(TestImages.Encode(stored, SKEncodedImageFormat.Jpeg, 95), 6);
        var decoded = ImageDecoder.Decode(jpeg, new ImageDecodeOptions { MaxSide = 100 });
        Assert.Equal((100, 60), (decoded.Width, decoded.Height));
        AssertQuadrants(decoded);
    }

    // The centre of each quadrant has its colour (JPEG and block edges aside).
    private static void AssertQuadrants(RgbImage image)
    {
        var centres = new[] { (1, 1), (3, 1), (1, 3), (3, 3) };
        for (var q = 0; q < 4; q++)
        {
            var (x, y) = (centres[q].Item1 * image.Width / 4, centres[q].Item2 * image.Height / 4);
            var i = (y * image.Width + x) * 3;
            var (r, g, b) = QuadrantColours[q];
            Assert.InRange(Math.Abs(image.Pixels[i] - r) + Math.Abs(image.Pixels[i + 1] - g) + Math.Abs(image.Pixels[i + 2] - b), 0, 24);
        }
    }
}
