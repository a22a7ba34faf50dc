using System.Buffers;
using CloudSeg.Core.Masks;

namespace CloudSeg.Core.Rendering;

/// <summary>
/// Tints a mask's pixels in an RGBA buffer. Works inside the mask's bounding box only: the mask is unpacked into a
/// box-sized scratch buffer so outline pixels (foreground with a background 4-neighbour) can be found.
/// </summary>
internal static class MaskBlender
{
    public static void Blend(Span<byte> rgba, int width, int height, RleMask mask, (byte R, byte G, byte B) colour, float opacity, bool outline)
    {
        if (mask.Width != width || mask.Height != height)
            throw new ArgumentException($"Mask is {mask.Width}x{mask.Height} but the picture is {width}x{height}.", nameof(mask));
        var (bx, by, bw, bh) = mask.BboxXywh();
        if (bw <= 0 || bh <= 0) return;
        int x0 = (int)bx, y0 = (int)by, w = (int)bw, h = (int)bh;

        var scratch = ArrayPool<byte>.Shared.Rent(w * h);
        try
        {
            var region = scratch.AsSpan(0, w * h);
            region.Clear();
            foreach (var (x, y, length) in mask.ForegroundRuns())
                for (var i = 0; i < length; i++)
                    region[(y + i - y0) * w + (x - x0)] = 1;

            // Fixed-point blend: out = (pixel * (256 - a) + colour * a) / 256.
            var alpha = (int)Math.Round(Math.Clamp(opacity, 0f, 1f) * 256);
            int cr = colour.R * alpha, cg = colour.G * alpha, cb = colour.B * alpha, keep = 256 - alpha;
            for (var ry = 0; ry < h; ry++)
            {
                var row = region.Slice(ry * w, w);
                var pixels = rgba.Slice(((y0 + ry) * width + x0) * 4, w * 4);
                for (var rx = 0; rx < w; rx++)
                {
                    if (row[rx] == 0) continue;
                    var p = rx * 4;
                    if (outline && IsEdge(region, w, h, rx, ry))
                    {
                        pixels[p] = colour.R;
                        pixels[p + 1] = colour.G;
                        pixels[p + 2] = colour.B;
                        continue;
                    }
                    pixels[p] = (byte)((pixels[p] * keep + cr) >> 8);
                    pixels[p + 1] = (byte)((pixels[p + 1] * keep + cg) >> 8);
                    pixels[p + 2] = (byte)((pixels[p + 2] * keep + cb) >> 8);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static bool IsEdge(ReadOnlySpan<byte> region, int w, int h, int x, int y) =>
        x == 0 || y == 0 || x == w - 1 || y == h - 1
        || region[y * w + x - 1] == 0 || region[y * w + x + 1] == 0
        || region[(y - 1) * w + x] == 0 || region[(y + 1) * w + x] == 0;
}
