namespace CloudSeg.Core.Imaging;

/// <summary>Encodes an <see cref="RgbImage"/> as PNG or JPEG (for stored pictures and tests).</summary>
public static class ImageEncoder
{
    public static byte[] Png(RgbImage image, int zlibLevel = 1)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var bitmap = SkiaBitmaps.ToBitmap(image);
        return SkiaBitmaps.EncodePng(bitmap, zlibLevel);
    }

    public static byte[] Jpeg(RgbImage image, int quality = 90)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var bitmap = SkiaBitmaps.ToBitmap(image);
        return SkiaBitmaps.EncodeJpeg(bitmap, quality);
    }
}
