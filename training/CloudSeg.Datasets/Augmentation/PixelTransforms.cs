using CloudSeg.Core.Imaging;
using CloudSeg.Core.Masks;

namespace CloudSeg.Datasets.Augmentation;

/// <summary>Resizing with an optional horizontal mirror, in one pass, using pixel-centre alignment for both pictures and masks.</summary>
internal static class PixelTransforms
{
    /// <summary>Bilinear resize with half-pixel centres (torch's interpolate, align_corners=False).</summary>
    public static RgbImage ResizeBilinear(RgbImage source, int width, int height, bool mirror)
    {
        var pixels = new byte[width * height * 3];
        var scaleX = (double)source.Width / width;
        var scaleY = (double)source.Height / height;
        var xs = new (int X0, int X1, double Weight)[width];
        for (var x = 0; x < width; x++)
        {
            var targetX = mirror ? width - 1 - x : x;
            xs[x] = Taps((targetX + 0.5) * scaleX - 0.5, source.Width);
        }
        for (var y = 0; y < height; y++)
        {
            var (y0, y1, wy) = Taps((y + 0.5) * scaleY - 0.5, source.Height);
            for (var x = 0; x < width; x++)
            {
                var (x0, x1, wx) = xs[x];
                for (var c = 0; c < 3; c++)
                {
                    var top = Lerp(source.Pixels[(y0 * source.Width + x0) * 3 + c], source.Pixels[(y0 * source.Width + x1) * 3 + c], wx);
                    var bottom = Lerp(source.Pixels[(y1 * source.Width + x0) * 3 + c], source.Pixels[(y1 * source.Width + x1) * 3 + c], wx);
                    pixels[(y * width + x) * 3 + c] = (byte)Math.Clamp(Math.Round(Lerp(top, bottom, wy)), 0, 255);
                }
            }
        }
        return new RgbImage(width, height, pixels);
    }

    /// <summary>Nearest-neighbour resize of a mask (the source pixel whose centre is nearest), optionally mirrored.</summary>
    public static RleMask ResizeNearest(RleMask mask, int width, int height, bool mirror)
    {
        if (width == mask.Width && height == mask.Height && !mirror)
        {
            return mask;
        }
        var source = mask.Decode();
        var target = new byte[width * height];
        var scaleX = (double)mask.Width / width;
        var scaleY = (double)mask.Height / height;
        for (var y = 0; y < height; y++)
        {
            var sy = Math.Min(mask.Height - 1, (int)((y + 0.5) * scaleY));
            for (var x = 0; x < width; x++)
            {
                var sx = Math.Min(mask.Width - 1, (int)(((mirror ? width - 1 - x : x) + 0.5) * scaleX));
                target[y * width + x] = source[sy * mask.Width + sx];
            }
        }
        return RleMask.Encode(target, height, width);
    }

    private static (int Low, int High, double Weight) Taps(double position, int size)
    {
        position = Math.Clamp(position, 0, size - 1);
        var low = (int)Math.Floor(position);
        return (low, Math.Min(low + 1, size - 1), position - low);
    }

    private static double Lerp(double a, double b, double weight) => a + (b - a) * weight;
}
