using System.Runtime.Intrinsics;
using SkiaSharp;

namespace CloudSeg.Core.Imaging;

/// <summary>
/// Writes decoded RGBA rows of the stored (encoded) picture into the upright RGB buffer, applying the EXIF
/// orientation and dropping alpha in the same pass, so no rotated copy of the picture is ever made.
/// Each source row maps to a straight line in the destination: a start pixel and a step per source pixel.
/// </summary>
internal readonly struct OrientedRowWriter
{
    private readonly SKEncodedOrigin _origin;
    private readonly int _storedWidth;
    private readonly int _storedHeight;
    private readonly int _uprightWidth;
    private readonly byte[] _rgb;

    public OrientedRowWriter(SKEncodedOrigin origin, int storedWidth, int storedHeight, byte[] rgb)
    {
        _origin = origin;
        _storedWidth = storedWidth;
        _storedHeight = storedHeight;
        _uprightWidth = SwapsAxes(origin) ? storedHeight : storedWidth;
        _rgb = rgb;
    }

    /// <summary>True when the upright picture's width is the stored picture's height (90° turns, transposes).</summary>
    public static bool SwapsAxes(SKEncodedOrigin origin) => origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
        or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>Copies stored row <paramref name="y"/> (RGBA, 4 bytes per pixel) to its upright place.</summary>
    public void WriteRow(int y, ReadOnlySpan<byte> rgbaRow)
    {
        int w = _storedWidth, h = _storedHeight, uw = _uprightWidth;
        var (start, step) = _origin switch
        {
            SKEncodedOrigin.TopRight => (y * uw + w - 1, -1),
            SKEncodedOrigin.BottomRight => ((h - 1 - y) * uw + w - 1, -1),
            SKEncodedOrigin.BottomLeft => ((h - 1 - y) * uw, 1),
            SKEncodedOrigin.LeftTop => (y, uw),
            SKEncodedOrigin.RightTop => (h - 1 - y, uw),
            SKEncodedOrigin.RightBottom => ((w - 1) * uw + h - 1 - y, -uw),
            SKEncodedOrigin.LeftBottom => ((w - 1) * uw + y, -uw),
            _ => (y * uw, 1),
        };
        if (step == 1)
        {
            DropAlpha(rgbaRow[..(w * 4)], _rgb.AsSpan(start * 3, w * 3));
            return;
        }
        var dst = _rgb.AsSpan();
        long d = (long)start * 3, stride = (long)step * 3;
        for (var s = 0; s < w * 4; s += 4, d += stride)
        {
            dst[(int)d] = rgbaRow[s];
            dst[(int)d + 1] = rgbaRow[s + 1];
            dst[(int)d + 2] = rgbaRow[s + 2];
        }
    }

    private static void DropAlpha(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        var pixels = rgb.Length / 3;
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            // 4 RGBA pixels -> 12 RGB bytes per shuffle; each store writes 16 bytes, so stop 4 bytes early.
            var keepRgb = Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0xFF, 0xFF, 0xFF, 0xFF);
            for (; i + 4 <= pixels && i * 3 + 16 <= rgb.Length; i += 4)
                Vector128.Shuffle(Vector128.Create(rgba.Slice(i * 4, 16)), keepRgb).CopyTo(rgb.Slice(i * 3));
        }
        for (int s = i * 4, d = i * 3; i < pixels; i++, s += 4, d += 3)
        {
            rgb[d] = rgba[s];
            rgb[d + 1] = rgba[s + 1];
            rgb[d + 2] = rgba[s + 2];
        }
    }
}
