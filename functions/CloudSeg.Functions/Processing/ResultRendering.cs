using CloudSeg.Core.Imaging;
using CloudSeg.Core.Rendering;
using CloudSeg.Inference;

namespace CloudSeg.Functions.Processing;

/// <summary>
/// The two pictures stored with every result: the overlay (masks, boxes, labels) and a thumbnail of that overlay, so
/// the dashboard's grid already shows what was found. Both are drawn at the size the picture was decoded at.
/// </summary>
internal static class ResultRendering
{
    public static (byte[] OverlayPng, byte[] ThumbnailJpeg) Render(RgbImage image, Segmentation segmentation, int thumbnailMaxSide)
    {
        // The picture may have been decoded smaller than the results' full size: draw them at the picture's size.
        float sx = (float)image.Width / segmentation.Width, sy = (float)image.Height / segmentation.Height;
        var instances = segmentation.Instances
            .Select((instance, index) => new OverlayInstance(instance.Mask.Resample(image.Height, image.Width),
                instance.Box.Scale(sx, sy), instance.ClassName, instance.Score, index))
            .ToList();
        var overlay = OverlayRenderer.Render(image, instances);
        return (ImageEncoder.Png(overlay), OverlayRenderer.ThumbnailJpeg(overlay, thumbnailMaxSide));
    }
}
