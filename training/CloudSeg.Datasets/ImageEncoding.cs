using CloudSeg.Core.Imaging;
using SkiaSharp;

namespace CloudSeg.Datasets;

public enum ImageFileFormat
{
    Png,
    Jpeg,
}

/// <summary>Encodes dataset pictures; PNG keeps pixels exact (masks line up), JPEG keeps committed samples small.</summary>
public static class ImageEncoding
{
    public static string Extension(ImageFileFormat format) => format == ImageFileFormat.Png ? ".png" : ".jpg";

    public static byte[] Encode(RgbImage image, ImageFileFormat format, int jpegQuality = 90)
    {
        using var bitmap = new SKBitmap(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var rgba = bitmap.GetPixelSpan();
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var source = (y * image.Width + x) * 3;
                var target = y * bitmap.RowBytes + x * 4;
                rgba[target] = image.Pixels[source];
                rgba[target + 1] = image.Pixels[source + 1];
                rgba[target + 2] = image.Pixels[source + 2];
                rgba[target + 3] = 255;
            }
        }
        using var data = format == ImageFileFormat.Png
            ? bitmap.Encode(SKEncodedImageFormat.Png, 100)
            : bitmap.Encode(SKEncodedImageFormat.Jpeg, jpegQuality);
        return data.ToArray();
    }
}
