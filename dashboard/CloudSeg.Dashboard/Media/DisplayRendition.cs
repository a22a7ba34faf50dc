using CloudSeg.Core.Imaging;
using CloudSeg.Core.Rendering;

namespace CloudSeg.Dashboard.Media;

/// <summary>
/// The picture the detail page shows: the upload itself when it is already no larger than the screen needs, else a
/// JPEG of at most <c>maxSide</c> pixels (a 1920×1280 photo of 6 MB becomes a few hundred KB). The overlay canvas keeps
/// the masks' own size and is stretched over whatever the picture is, so both line up either way.
/// </summary>
public static class DisplayRendition
{
    /// <summary>Null when <paramref name="original"/> can be shown as it is.</summary>
    public static byte[]? ScaleDown(byte[] original, int maxSide)
    {
        var info = ImageDecoder.Probe(original, ImageDecodeOptions.ForUploads());
        if (Math.Max(info.Width, info.Height) <= maxSide && original.Length <= SmallEnoughBytes) return null;
        var image = ImageDecoder.Decode(original, new ImageDecodeOptions { MaxPixels = ImageDecodeOptions.ForUploads().MaxPixels, MaxSide = maxSide });
        return OverlayRenderer.ThumbnailJpeg(image, maxSide, quality: 88);
    }

    /// <summary>A picture within the size limit but heavier than this (an uncompressed BMP, say) is re-encoded too.</summary>
    private const int SmallEnoughBytes = 1024 * 1024;
}
