using CloudSeg.Core.Imaging;
using CloudSeg.Core.Rendering;
using CloudSeg.Inference;

namespace CloudSeg.Functions.Processing;

/// <summary>
/// The two pictures stored with every result: the overlay (masks, boxes, labels) and a thumbnail of that overlay, so
/// the dashboard's grid already shows what was found.
/// </summary>
internal static class ResultRendering
{
    public static (byte[] OverlayPng, byte[] ThumbnailJpeg) Render(RgbImage image, Segmentation segmentation, int thumbnailMaxSide)
    {
        var instances = segmentation.Instances
            .Select((instance, index) => new OverlayInstance(instance.Mask, instance.Box, instance.ClassName, instance.Score, index))
            .ToList();
        var overlay = OverlayRenderer.Render(image, instances);
        return (ImageEncoder.Png(overlay), OverlayRenderer.ThumbnailJpeg(overlay, thumbnailMaxSide));
    }
}
