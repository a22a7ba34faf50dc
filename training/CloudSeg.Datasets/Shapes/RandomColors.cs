using SkiaSharp;

namespace CloudSeg.Datasets.Shapes;

internal static class RandomColors
{
    public static SKColor Any(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

    public static SKColor Near(SKColor color, Random random, int spread) => new(
        Jitter(color.Red, random, spread), Jitter(color.Green, random, spread), Jitter(color.Blue, random, spread));

    public static SKColor Mix(SKColor a, SKColor b) =>
        new((byte)((a.Red + b.Red) / 2), (byte)((a.Green + b.Green) / 2), (byte)((a.Blue + b.Blue) / 2));

    /// <summary>A colour at least <paramref name="minDistance"/> (sum of channel differences) from <paramref name="avoid"/>.</summary>
    public static SKColor Contrasting(SKColor avoid, Random random, int minDistance)
    {
        for (var attempt = 0; ; attempt++)
        {
            var color = Any(random);
            if (Distance(color, avoid) >= minDistance || attempt == 20)
            {
                // After many tries (near-grey backgrounds), the inverse colour is as far as it gets.
                return attempt == 20 ? new SKColor((byte)(255 - avoid.Red), (byte)(255 - avoid.Green), (byte)(255 - avoid.Blue)) : color;
            }
        }
    }

    private static int Distance(SKColor a, SKColor b) =>
        Math.Abs(a.Red - b.Red) + Math.Abs(a.Green - b.Green) + Math.Abs(a.Blue - b.Blue);

    private static byte Jitter(byte value, Random random, int spread) =>
        (byte)Math.Clamp(value + random.Next(-spread, spread + 1), 0, 255);
}
