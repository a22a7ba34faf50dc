using CloudSeg.Core.Masks;
using CloudSeg.Core.Rendering;
using CloudSeg.Dashboard.Overlay;

namespace CloudSeg.Dashboard.Tests.Components;

/// <summary>Three instances on a 40×30 image: two circles (0.9, 0.4) and a square (0.7), with real RLE strings.</summary>
internal static class OverlayTestData
{
    public const int Width = 40;
    public const int Height = 30;

    public static IReadOnlyList<OverlayInstanceView> Instances() =>
    [
        Instance(0, "circle", 0.9f, 0.8f, 2, 2, 10, 10),
        Instance(1, "square", 0.7f, null, 15, 5, 10, 10),
        Instance(2, "circle", 0.4f, 0.5f, 28, 15, 8, 8),
    ];

    private static OverlayInstanceView Instance(int id, string className, float score, float? maskIou, int x, int y, int w, int h)
    {
        var mask = new byte[Width * Height];
        for (var row = y; row < y + h; row++)
            for (var col = x; col < x + w; col++)
                mask[row * Width + col] = 1;
        var rle = RleMask.Encode(mask, Height, Width);
        return new OverlayInstanceView(id, className, score, maskIou, [x, y, w, h], rle.ToCompressedString(), Palette.Hex(id));
    }
}
