using CloudSeg.Core.Geometry;
using CloudSeg.Core.Imaging;
using CloudSeg.Core.Masks;

namespace CloudSeg.Datasets.Augmentation;

/// <summary>
/// Scale jitter on a fixed canvas (the large-scale jitter of Ghiasi et al. 2021, SSD's zoom-out and random crop in
/// one): the picture's content is resized by <see cref="Scale"/> and placed on a canvas of the picture's own size,
/// padded with the ImageNet mean colour where it shrank (what the model's zero padding after normalisation looks
/// like) and cropped where it grew, at a random position (<see cref="OffsetX"/>, <see cref="OffsetY"/> are fractions
/// of the free or cut-off room). Resizing the whole picture instead would be undone by the model's own resize to its
/// input size; this changes the size of the objects the model sees. Masks are cut with the picture; an instance with
/// nothing left in the canvas is dropped, and a cut one gets the box of what is left of its mask.
/// </summary>
public readonly record struct LargeScaleJitter(double Scale, double OffsetX, double OffsetY)
{
    static readonly byte[] Fill = [124, 116, 104];

    public static LargeScaleJitter Sample(double minScale, double maxScale, Random random) =>
        new(minScale + random.NextDouble() * (maxScale - minScale), random.NextDouble(), random.NextDouble());

    public DatasetSample Apply(DatasetSample sample)
    {
        var source = sample.Image;
        int width = source.Width, height = source.Height;
        var scaledWidth = Math.Max(1, (int)Math.Round(width * Scale));
        var scaledHeight = Math.Max(1, (int)Math.Round(height * Scale));
        var offsetX = (int)Math.Round(OffsetX * (width - scaledWidth));
        var offsetY = (int)Math.Round(OffsetY * (height - scaledHeight));
        var scaled = PixelTransforms.ResizeBilinear(source, scaledWidth, scaledHeight, mirror: false);

        var pixels = new byte[width * height * 3];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = Fill[i % 3];
        }
        Place(scaled.Pixels, scaledWidth, scaledHeight, pixels, width, height, offsetX, offsetY, bytesPerPixel: 3);

        var canvas = new BoxF(0, 0, width, height);
        var instances = new List<InstanceAnnotation>(sample.Instances.Count);
        foreach (var instance in sample.Instances)
        {
            var resized = PixelTransforms.ResizeNearest(instance.Mask, scaledWidth, scaledHeight, mirror: false).Decode();
            var placed = new byte[width * height];
            Place(resized, scaledWidth, scaledHeight, placed, width, height, offsetX, offsetY, bytesPerPixel: 1);
            var mask = RleMask.Encode(placed, height, width);
            if (mask.Area == 0)
            {
                continue;
            }
            var box = instance.Box.Scale((float)scaledWidth / width, (float)scaledHeight / height);
            box = new BoxF(box.X1 + offsetX, box.Y1 + offsetY, box.X2 + offsetX, box.Y2 + offsetY);
            var inside = box.X1 >= 0 && box.Y1 >= 0 && box.X2 <= canvas.X2 && box.Y2 <= canvas.Y2;
            instances.Add(instance with { Mask = mask, Box = inside ? box : mask.BoundingBox });
        }
        return new DatasetSample(sample.Info, new RgbImage(width, height, pixels), instances);
    }

    /// <summary>Copies the part of a (scaledWidth × scaledHeight) raster at (offsetX, offsetY) that falls on the canvas.</summary>
    static void Place(byte[] source, int sourceWidth, int sourceHeight, byte[] target, int width, int height,
        int offsetX, int offsetY, int bytesPerPixel)
    {
        int x0 = Math.Max(0, offsetX), x1 = Math.Min(width, offsetX + sourceWidth);
        if (x1 <= x0)
        {
            return;
        }
        for (var y = Math.Max(0, offsetY); y < Math.Min(height, offsetY + sourceHeight); y++)
        {
            Array.Copy(source, ((y - offsetY) * sourceWidth + x0 - offsetX) * bytesPerPixel,
                target, (y * width + x0) * bytesPerPixel, (x1 - x0) * bytesPerPixel);
        }
    }
}
