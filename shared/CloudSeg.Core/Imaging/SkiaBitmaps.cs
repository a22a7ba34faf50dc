using SkiaSharp;

namespace CloudSeg.Core.Imaging;

/// <summary>Moves pixels between <see cref="RgbImage"/> and SkiaSharp's 32-bit bitmaps.</summary>
internal static class SkiaBitmaps
{
    /// <summary>An opaque RGBA bitmap holding the picture (Skia has no packed 24-bit format).</summary>
    public static SKBitmap ToBitmap(RgbImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var dst = bitmap.GetPixelSpan();
        var src = image.Pixels.AsSpan();
        for (int s = 0, d = 0; s < src.Length; s += 3, d += 4)
        {
            dst[d] = src[s];
            dst[d + 1] = src[s + 1];
            dst[d + 2] = src[s + 2];
            dst[d + 3] = 255;
        }
        return bitmap;
    }

    public static RgbImage ToRgb(SKBitmap bitmap)
    {
        if (bitmap.ColorType != SKColorType.Rgba8888)
            throw new ArgumentException($"Expected an RGBA bitmap, got {bitmap.ColorType}.", nameof(bitmap));
        var rgb = GC.AllocateUninitializedArray<byte>(bitmap.Width * bitmap.Height * 3);
        var src = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;
        for (var y = 0; y < bitmap.Height; y++)
        {
            var row = src.Slice(y * rowBytes, bitmap.Width * 4);
            for (int s = 0, d = y * bitmap.Width * 3; s < row.Length; s += 4, d += 3)
            {
                rgb[d] = row[s];
                rgb[d + 1] = row[s + 1];
                rgb[d + 2] = row[s + 2];
            }
        }
        return new RgbImage(bitmap.Width, bitmap.Height, rgb);
    }

    public static byte[] EncodePng(SKBitmap bitmap, int zlibLevel)
    {
        using var pixmap = bitmap.PeekPixels() ?? throw new InvalidOperationException("The bitmap has no pixels.");
        // The Sub filter alone costs far less than trying all five per row and compresses photos almost as well.
        using var data = pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Sub, Math.Clamp(zlibLevel, 1, 9)))
            ?? throw new InvalidOperationException("PNG encoding failed.");
        return data.ToArray();
    }

    public static byte[] EncodeJpeg(SKBitmap bitmap, int quality)
    {
        using var pixmap = bitmap.PeekPixels() ?? throw new InvalidOperationException("The bitmap has no pixels.");
        using var data = pixmap.Encode(SKEncodedImageFormat.Jpeg, Math.Clamp(quality, 1, 100))
            ?? throw new InvalidOperationException("JPEG encoding failed.");
        return data.ToArray();
    }

    /// <summary>
    /// Scales down to fit <paramref name="maxSide"/>, halving with bilinear sampling first (an exact 2×2 box average)
    /// so large reductions do not alias, then one final bilinear step. Returns the input when it already fits.
    /// </summary>
    public static SKBitmap FitWithin(SKBitmap source, int maxSide)
    {
        var longest = Math.Max(source.Width, source.Height);
        if (longest <= maxSide) return source;
        var current = source;
        while (Math.Max(current.Width, current.Height) >= 2 * maxSide)
            current = Resize(current, Math.Max(1, current.Width / 2), Math.Max(1, current.Height / 2), disposeSource: current != source);
        var scale = (double)maxSide / Math.Max(current.Width, current.Height);
        var width = Math.Max(1, (int)Math.Round(current.Width * scale));
        var height = Math.Max(1, (int)Math.Round(current.Height * scale));
        return Resize(current, width, height, disposeSource: current != source);
    }

    private static SKBitmap Resize(SKBitmap source, int width, int height, bool disposeSource)
    {
        var target = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var from = source.PeekPixels())
        using (var to = target.PeekPixels())
        {
            if (from is null || to is null || !from.ScalePixels(to, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None)))
                throw new InvalidOperationException("Scaling the picture failed.");
        }
        if (disposeSource) source.Dispose();
        return target;
    }
}
