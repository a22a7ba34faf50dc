using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using CloudSeg.Core.Imaging;
using SkiaSharp;
using CloudSeg.Testing;

namespace CloudSeg.Core.Tests.Imaging;

public class ImageDecoderTests
{
    private static readonly (byte, byte, byte)[] QuadrantColours = [(220, 30, 30), (30, 200, 40), (40, 60, 210), (240, 230, 40)];

    [Fact]
    public void Png_decodes_pixel_exact()
    {
        var original = TestImages.Pattern(37, 23);
        var decoded = ImageDecoder.Decode(TestImages.Encode(original, SKEncodedImageFormat.Png));
        Assert.Equal((37, 23), (decoded.Width, decoded.Height));
        Assert.Equal(original.Pixels, decoded.Pixels);
    }

    [Fact]
    public void Lossless_webp_decodes_pixel_exact()
    {
        var original = TestImages.Pattern(40, 31);
        var decoded = ImageDecoder.Decode(TestImages.EncodeWebpLossless(original));
        Assert.Equal(original.Pixels, decoded.Pixels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Bmp_decodes_pixel_exact_in_both_row_orders(bool topDown)
    {
        var original = TestImages.Pattern(13, 9);
        var decoded = ImageDecoder.Decode(TestImages.Bmp(original, topDown));
        Assert.Equal(original.Pixels, decoded.Pixels);
    }

    [Fact]
    public void Jpeg_decodes_close_to_the_original()
    {
        var original = TestImages.Quadrants(64, 48, QuadrantColours);
        var decoded = ImageDecoder.Decode(TestImages.Encode(original, SKEncodedImageFormat.Jpeg, 95));
        Assert.Equal((64, 48), (decoded.Width, decoded.Height));
        AssertQuadrants(decoded, QuadrantColours, tolerance: 6);
    }

    [Fact]
    public void Grayscale_png_becomes_equal_rgb_channels()
    {
        var png = HandMadePng.Png(5, 4, colourType: 0, bitDepth: 8, HandMadePng.Rows8(5, 4, 1, (x, y, _) => (byte)(x * 50 + y)));
        var decoded = ImageDecoder.Decode(png);
        for (var y = 0; y < 4; y++)
        for (var x = 0; x < 5; x++)
            Assert.Equal(Rgb(x * 50 + y, x * 50 + y, x * 50 + y), Pixel(decoded, x, y));
    }

    [Fact]
    public void Alpha_is_dropped_keeping_the_stored_colour()
    {
        // RGBA PNG: the same colour at alpha 255, 128 and 0. torchvision's RGB mode keeps the colour as stored.
        var png = HandMadePng.Png(3, 1, colourType: 6, bitDepth: 8,
            HandMadePng.Rows8(3, 1, 4, (x, _, c) => c == 3 ? (byte)(x == 0 ? 255 : x == 1 ? 128 : 0) : (byte)(c == 0 ? 200 : c == 1 ? 100 : 50)));
        var decoded = ImageDecoder.Decode(png);
        for (var x = 0; x < 3; x++)
            Assert.Equal(Rgb(200, 100, 50), Pixel(decoded, x, 0));
    }

    [Fact]
    public void Sixteen_bit_rgb_png_is_reduced_to_8_bits()
    {
        // Samples v * 257 map to exactly v whether a decoder truncates (>> 8) or rounds (/ 257).
        var png = HandMadePng.Png(4, 3, colourType: 2, bitDepth: 16,
            HandMadePng.Rows16(4, 3, 3, (x, y, c) => (ushort)((x * 60 + y * 20 + c * 5) * 257)));
        var decoded = ImageDecoder.Decode(png);
        Assert.Equal((4, 3), (decoded.Width, decoded.Height));
        for (var y = 0; y < 3; y++)
        for (var x = 0; x < 4; x++)
            Assert.Equal(Rgb(x * 60 + y * 20, x * 60 + y * 20 + 5, x * 60 + y * 20 + 10), Pixel(decoded, x, y));
    }

    [Fact]
    public void Sixteen_bit_rgba_png_drops_alpha()
    {
        var png = HandMadePng.Png(2, 2, colourType: 6, bitDepth: 16,
            HandMadePng.Rows16(2, 2, 4, (x, y, c) => (ushort)(c == 3 ? (x + y) * 20000 : (x * 100 + y * 50 + c * 10) * 257)));
        var decoded = ImageDecoder.Decode(png);
        for (var y = 0; y < 2; y++)
        for (var x = 0; x < 2; x++)
            Assert.Equal(Rgb(x * 100 + y * 50, x * 100 + y * 50 + 10, x * 100 + y * 50 + 20), Pixel(decoded, x, y));
    }

    [Fact]
    public void Lossy_webp_decodes_close_to_the_original()
    {
        var original = TestImages.Quadrants(64, 48, QuadrantColours);
        var decoded = ImageDecoder.Decode(TestImages.Encode(original, SKEncodedImageFormat.Webp, 90));
        AssertQuadrants(decoded, QuadrantColours, tolerance: 8);
    }

    [Fact]
    public void Sixteen_bit_grayscale_png_uses_the_high_byte()
    {
        ushort[] samples = [0x0000, 0x12FF, 0x8000, 0xFFFF];
        var png = HandMadePng.Png(4, 1, colourType: 0, bitDepth: 16, HandMadePng.Rows16(4, 1, 1, (x, _, _) => samples[x]));
        var decoded = ImageDecoder.Decode(png);
        for (var x = 0; x < 4; x++)
        {
            var (r, g, b) = Pixel(decoded, x, 0);
            Assert.Equal(r, g);
            Assert.Equal(g, b);
            Assert.InRange(r, samples[x] / 257 - 1, samples[x] / 257 + 1);
        }
    }

    [Fact]
    public void Cmyk_jpeg_is_converted_like_pil()
    {
        var expected = Fixtures.Json("images.json").GetProperty("cmyk");
        var decoded = ImageDecoder.Decode(Fixtures.Bytes("cmyk.jpg"));
        Assert.Equal((expected.GetProperty("width").GetInt32(), expected.GetProperty("height").GetInt32()), (decoded.Width, decoded.Height));
        foreach (var point in expected.GetProperty("pil_rgb_at").EnumerateArray())
        {
            var rgb = point.GetProperty("rgb").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            var actual = Pixel(decoded, point.GetProperty("x").GetInt32(), point.GetProperty("y").GetInt32());
            AssertClose(Rgb(rgb[0], rgb[1], rgb[2]), actual, tolerance: 12);
        }
    }

    [Fact]
    public void Exif_orientation_6_from_pil_is_turned_upright()
    {
        var expected = Fixtures.Json("images.json").GetProperty("exif6");
        var bytes = Fixtures.Bytes("exif-orientation-6.jpg");
        var decoded = ImageDecoder.Decode(bytes);
        Assert.Equal((40, 24), (decoded.Width, decoded.Height));
        foreach (var point in expected.GetProperty("pil_rgb_at").EnumerateArray())
        {
            var rgb = point.GetProperty("rgb").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            AssertClose(Rgb(rgb[0], rgb[1], rgb[2]), Pixel(decoded, point.GetProperty("x").GetInt32(), point.GetProperty("y").GetInt32()), tolerance: 6);
        }
        Assert.Equal(new ImageInfo(ImageFormat.Jpeg, 40, 24, 6), ImageDecoder.Probe(bytes));
    }

    // For each EXIF orientation: which upright quadrant (0 TL, 1 TR, 2 BL, 3 BR) is stored at the stored
    // picture's TL, TR, BL, BR, per the EXIF definition of "0th row / 0th column" for that value.
    [Theory]
    [InlineData(1, new[] { 0, 1, 2, 3 })]
    [InlineData(2, new[] { 1, 0, 3, 2 })]
    [InlineData(3, new[] { 3, 2, 1, 0 })]
    [InlineData(4, new[] { 2, 3, 0, 1 })]
    [InlineData(5, new[] { 0, 2, 1, 3 })]
    [InlineData(6, new[] { 1, 3, 0, 2 })]
    [InlineData(7, new[] { 3, 1, 2, 0 })]
    [InlineData(8, new[] { 2, 0, 3, 1 })]
    public void Every_exif_orientation_is_turned_upright(int orientation, int[] storedQuadrants)
    {
        const int uprightWidth = 40, uprightHeight = 24;
        var turned = orientation >= 5;
        var stored = TestImages.Quadrants(turned ? uprightHeight : uprightWidth, turned ? uprightWidth : uprightHeight,
            storedQuadrants.Select(q => QuadrantColours[q]).ToArray());
        var jpeg = TestImages.WithExifOrientation(TestImages.Encode(stored, SKEncodedImageFormat.Jpeg, 95), orientation);

        var decoded = ImageDecoder.Decode(jpeg);

        Assert.Equal((uprightWidth, uprightHeight), (decoded.Width, decoded.Height));
        AssertQuadrants(decoded, QuadrantColours, tolerance: 8);
        Assert.Equal(new ImageInfo(ImageFormat.Jpeg, uprightWidth, uprightHeight, orientation), ImageDecoder.Probe(jpeg));
    }

    [Fact]
    public void Animated_gif_gives_its_first_frame()
    {
        var decoded = ImageDecoder.Decode(Fixtures.Bytes("animated.gif"));
        Assert.Equal((12, 10), (decoded.Width, decoded.Height));
        Assert.Equal(Rgb(255, 0, 0), Pixel(decoded, 5, 5));
        Assert.Equal(Rgb(255, 0, 0), Pixel(decoded, 11, 9));
    }

    [Fact]
    public void One_by_one_image_decodes()
    {
        var decoded = ImageDecoder.Decode(TestImages.Encode(new RgbImage(1, 1, [9, 8, 7]), SKEncodedImageFormat.Png));
        Assert.Equal([9, 8, 7], decoded.Pixels);
    }

    [Fact]
    public void Image_below_the_minimum_side_is_too_small()
    {
        var png = TestImages.Encode(TestImages.Pattern(1, 5), SKEncodedImageFormat.Png);
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png, new ImageDecodeOptions { MinSide = 2 }));
        Assert.Equal(ImageDecodeError.TooSmall, error.Reason);
    }

    [Fact]
    public void Image_above_the_configured_pixel_limit_is_refused()
    {
        var png = TestImages.Encode(TestImages.Pattern(100, 100), SKEncodedImageFormat.Png);
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png, new ImageDecodeOptions { MaxPixels = 9_999 }));
        Assert.Equal(ImageDecodeError.TooManyPixels, error.Reason);
        Assert.Equal(100, ImageDecoder.Decode(png, new ImageDecodeOptions { MaxPixels = 10_000 }).Width);
    }

    [Fact]
    public void Decompression_bomb_header_is_refused_before_allocating()
    {
        // A valid PNG whose IHDR announces 50000 x 50000 RGB (7.5 GB decoded) with a tiny IDAT.
        var bomb = HandMadePng.Png(50_000, 50_000, colourType: 2, bitDepth: 8, rawRows: null);
        Assert.True(bomb.Length < 200);
        ImageDecoder.Probe(bomb); // warm up the codec so the timing below measures the check, not first-use setup
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bomb));

        clock.Stop();
        Assert.Equal(ImageDecodeError.TooManyPixels, error.Reason);
        Assert.Contains("50000x50000", error.Message);
        Assert.True(clock.ElapsedMilliseconds < 200, $"took {clock.ElapsedMilliseconds} ms");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 1_000_000);
        Assert.Equal(new ImageInfo(ImageFormat.Png, 50_000, 50_000, 1), ImageDecoder.Probe(bomb));
    }

    [Fact]
    public void Empty_input_is_reported_as_empty()
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(ReadOnlySpan<byte>.Empty));
        Assert.Equal(ImageDecodeError.Empty, error.Reason);
    }

    [Theory]
    [InlineData("hello, this is a text file named photo.jpg\n", "text")]
    [InlineData("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>nope</body></html>", "HTML")]
    [InlineData("{\"error\": \"not an image\"}", "JSON")]
    public void Text_is_not_an_image(string content, string described)
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(Encoding.UTF8.GetBytes(content)));
        Assert.Equal(ImageDecodeError.NotAnImage, error.Reason);
        Assert.Contains(described, error.Message);
    }

    [Fact]
    public void Unknown_binary_is_not_an_image()
    {
        var noise = new byte[300];
        new Random(5).NextBytes(noise);
        noise[0] = 0x01;
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(noise));
        Assert.Equal(ImageDecodeError.NotAnImage, error.Reason);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0, 0, 0 }, "TIFF")]
    [InlineData(new byte[] { 0, 0, 0, 0x1C, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'h', (byte)'e', (byte)'i', (byte)'c', 0, 0 }, "HEIF")]
    public void Known_but_unsupported_formats_are_named(byte[] header, string format)
    {
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(header));
        Assert.Equal(ImageDecodeError.UnsupportedFormat, error.Reason);
        Assert.Contains(format, error.Message);
    }

    [Fact]
    public void Truncated_jpeg_is_corrupt()
    {
        var jpeg = TestImages.Encode(TestImages.Pattern(128, 96), SKEncodedImageFormat.Jpeg, 90);
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(jpeg.AsSpan(0, jpeg.Length * 6 / 10)));
        Assert.Equal(ImageDecodeError.Corrupt, error.Reason);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Truncated_png_is_corrupt()
    {
        var png = TestImages.Encode(TestImages.Pattern(128, 96), SKEncodedImageFormat.Png);
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png.AsSpan(0, png.Length / 2)));
        Assert.Equal(ImageDecodeError.Corrupt, error.Reason);
    }

    [Fact]
    public void Truncated_webp_is_corrupt()
    {
        // WebP decodes as a whole (no scanline decoding), so this covers the other read path.
        var webp = TestImages.Encode(TestImages.Pattern(96, 64), SKEncodedImageFormat.Webp, 90);
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(webp.AsSpan(0, webp.Length / 2)));
        Assert.Equal(ImageDecodeError.Corrupt, error.Reason);
    }

    [Fact]
    public void Jpeg_magic_followed_by_garbage_is_corrupt()
    {
        byte[] bytes = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x13, 0x37, 0x42, 0x42, 0x00, 0x00, 0x01, 0x02];
        var error = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(bytes));
        Assert.Equal(ImageDecodeError.Corrupt, error.Reason);
    }

    [Fact]
    public async Task Stream_overloads_decode_the_same_pixels()
    {
        var original = TestImages.Pattern(20, 10);
        var png = TestImages.Encode(original, SKEncodedImageFormat.Png);
        Assert.Equal(original.Pixels, ImageDecoder.Decode(new MemoryStream(png)).Pixels);
        Assert.Equal(original.Pixels, (await ImageDecoder.DecodeAsync(new MemoryStream(png))).Pixels);
        using var bufferedFile = new BufferedStream(new MemoryStream(png));
        Assert.Equal(original.Pixels, ImageDecoder.Decode(bufferedFile).Pixels);
    }

    [Fact]
    public async Task Files_over_the_encoded_size_limit_are_refused_without_reading_them_whole()
    {
        var png = TestImages.Encode(TestImages.Pattern(64, 64), SKEncodedImageFormat.Png);
        var limit = new ImageDecodeOptions { MaxEncodedBytes = png.Length - 1 };
        Assert.Equal(ImageDecodeError.TooLarge, Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(png, limit)).Reason);
        using var seekable = new BufferedStream(new MemoryStream(png), 16);
        Assert.Equal(ImageDecodeError.TooLarge, (await Assert.ThrowsAsync<ImageDecodeException>(() => ImageDecoder.DecodeAsync(seekable, limit))).Reason);
        await using var unseekable = Unseekable(png); // length unknown: refused while reading
        Assert.Equal(ImageDecodeError.TooLarge, (await Assert.ThrowsAsync<ImageDecodeException>(() => ImageDecoder.DecodeAsync(unseekable, limit))).Reason);
        await using var unseekableSync = Unseekable(png);
        Assert.Equal(ImageDecodeError.TooLarge, Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(unseekableSync, limit)).Reason);
        await using var readable = Unseekable(png);
        Assert.Equal(64, (await ImageDecoder.DecodeAsync(readable)).Width);
        Assert.Equal(64, ImageDecoder.Decode(png, new ImageDecodeOptions { MaxEncodedBytes = png.Length }).Width);
    }

    [Fact]
    public void Probe_reports_format_and_size_without_decoding()
    {
        var webp = TestImages.EncodeWebpLossless(TestImages.Pattern(30, 20));
        Assert.Equal(new ImageInfo(ImageFormat.Webp, 30, 20, 1), ImageDecoder.Probe(webp));
        var bmp = TestImages.Bmp(TestImages.Pattern(7, 3));
        Assert.Equal(new ImageInfo(ImageFormat.Bmp, 7, 3, 1), ImageDecoder.Probe(bmp));
    }

    /// <summary>A stream that cannot seek or report its length, like a network body (a gzip decompressor here).</summary>
    private static Stream Unseekable(byte[] content)
    {
        var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(content);
        packed.Position = 0;
        return new GZipStream(packed, CompressionMode.Decompress);
    }

    private static (int R, int G, int B) Rgb(int r, int g, int b) => (r, g, b);

    private static (int R, int G, int B) Pixel(RgbImage image, int x, int y)
    {
        var i = (y * image.Width + x) * 3;
        return (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
    }

    private static void AssertClose((int R, int G, int B) expected, (int R, int G, int B) actual, int tolerance)
    {
        Assert.True(Math.Abs(expected.R - actual.R) <= tolerance && Math.Abs(expected.G - actual.G) <= tolerance && Math.Abs(expected.B - actual.B) <= tolerance,
            $"expected {expected} ± {tolerance}, got {actual}");
    }

    private static void AssertQuadrants(RgbImage image, (byte R, byte G, byte B)[] colours, int tolerance)
    {
        int w = image.Width, h = image.Height;
        (int X, int Y)[] centres = [(w / 4, h / 4), (3 * w / 4, h / 4), (w / 4, 3 * h / 4), (3 * w / 4, 3 * h / 4)];
        for (var q = 0; q < 4; q++)
            AssertClose((colours[q].R, colours[q].G, colours[q].B), Pixel(image, centres[q].X, centres[q].Y), tolerance);
    }
}
