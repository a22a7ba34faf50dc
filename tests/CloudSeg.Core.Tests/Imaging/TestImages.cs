using System.Buffers.Binary;
using CloudSeg.Core.Imaging;
using SkiaSharp;

namespace CloudSeg.Core.Tests.Imaging;

/// <summary>Builds encoded test pictures in memory: SkiaSharp for the common encoders, hand-written bytes for the rest.</summary>
internal static class TestImages
{
    /// <summary>A deterministic colourful RGB pattern (every pixel differs from its neighbours).</summary>
    public static RgbImage Pattern(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var i = (y * width + x) * 3;
            pixels[i] = (byte)(x * 7 + y * 3);
            pixels[i + 1] = (byte)(x * 13 ^ y * 5);
            pixels[i + 2] = (byte)(255 - x * 2 - y * 11);
        }
        return new RgbImage(width, height, pixels);
    }

    /// <summary>Four flat quadrants (TL, TR, BL, BR colours), robust to JPEG loss.</summary>
    public static RgbImage Quadrants(int width, int height, params (byte R, byte G, byte B)[] colours)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var c = colours[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)];
            var i = (y * width + x) * 3;
            (pixels[i], pixels[i + 1], pixels[i + 2]) = (c.R, c.G, c.B);
        }
        return new RgbImage(width, height, pixels);
    }

    public static byte[] Encode(RgbImage image, SKEncodedImageFormat format, int quality = 100)
    {
        using var bitmap = ToBitmap(image);
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] EncodeWebpLossless(RgbImage image)
    {
        using var bitmap = ToBitmap(image);
        using var pixmap = bitmap.PeekPixels() ?? throw new InvalidOperationException("bitmap has no pixels");
        using var data = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100)) ?? throw new InvalidOperationException("WebP encoding failed");
        return data.ToArray();
    }

    public static SKBitmap ToBitmap(RgbImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var dst = bitmap.GetPixelSpan();
        for (int i = 0, j = 0; i < image.Pixels.Length; i += 3, j += 4)
        {
            dst[j] = image.Pixels[i];
            dst[j + 1] = image.Pixels[i + 1];
            dst[j + 2] = image.Pixels[i + 2];
            dst[j + 3] = 255;
        }
        return bitmap;
    }

    /// <summary>Inserts an EXIF APP1 segment with the given orientation tag right after the JPEG's SOI marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        var app1 = new List<byte> { 0xFF, 0xE1, 0, 34 };
        app1.AddRange("Exif\0\0"u8.ToArray());
        app1.AddRange([(byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8]); // big-endian TIFF header, IFD at 8
        app1.AddRange([0, 1]); // one entry
        app1.AddRange([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte)orientation, 0, 0]); // Orientation, SHORT, 1 value
        app1.AddRange([0, 0, 0, 0]); // no next IFD
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    /// <summary>An uncompressed 24-bit BMP; bottom-up (positive height) unless <paramref name="topDown"/>.</summary>
    public static byte[] Bmp(RgbImage image, bool topDown = false)
    {
        var rowBytes = (image.Width * 3 + 3) / 4 * 4;
        var size = 54 + rowBytes * image.Height;
        var bmp = new byte[size];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), size);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), topDown ? -image.Height : image.Height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(34), rowBytes * image.Height);
        for (var y = 0; y < image.Height; y++)
        {
            var fileRow = topDown ? y : image.Height - 1 - y;
            for (var x = 0; x < image.Width; x++)
            {
                var s = (y * image.Width + x) * 3;
                var d = 54 + fileRow * rowBytes + x * 3;
                bmp[d] = image.Pixels[s + 2];
                bmp[d + 1] = image.Pixels[s + 1];
                bmp[d + 2] = image.Pixels[s];
            }
        }
        return bmp;
    }
}
