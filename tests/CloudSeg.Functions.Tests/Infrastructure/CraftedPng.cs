using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Infrastructure;

/// <summary>PNG uploads an image library would refuse to produce: 16-bit samples, or a decompression-bomb header.</summary>
public static class CraftedPng
{
    /// <summary>A 16-bit RGB PNG: a horizontal gradient with a bright square in the middle.</summary>
    public static byte[] Rgb16(int width, int height) =>
        HandMadePng.Png(width, height, colourType: 2, bitDepth: 16, HandMadePng.Rows16(width, height, 3, (x, y, c) =>
        {
            var inSquare = Math.Abs(x - width / 2) < width / 4 && Math.Abs(y - height / 2) < height / 4;
            return c switch
            {
                0 => inSquare ? (ushort)65535 : (ushort)(x * 65535 / Math.Max(1, width - 1)),
                1 => inSquare ? (ushort)60000 : (ushort)1000,
                _ => inSquare ? (ushort)0 : (ushort)30000,
            };
        }));

    /// <summary>A valid header for <paramref name="width"/>×<paramref name="height"/> followed by one tiny data chunk.</summary>
    public static byte[] HeaderOnly(int width, int height) => HandMadePng.Png(width, height, colourType: 2, bitDepth: 8, [0, 0, 0, 0]);
}
