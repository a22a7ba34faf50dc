using CloudSeg.Core.Imaging;

namespace CloudSeg.Datasets;

public enum ImageFileFormat
{
    Png,
    Jpeg,
}

/// <summary>Dataset picture files: PNG keeps pixels exact (masks line up), JPEG keeps committed samples small.</summary>
public static class ImageEncoding
{
    public static string Extension(ImageFileFormat format) => format == ImageFileFormat.Png ? ".png" : ".jpg";

    public static byte[] Encode(RgbImage image, ImageFileFormat format) =>
        format == ImageFileFormat.Png ? ImageEncoder.Png(image) : ImageEncoder.Jpeg(image);
}
