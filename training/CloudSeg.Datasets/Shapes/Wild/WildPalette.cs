namespace CloudSeg.Datasets.Shapes.Wild;

/// <summary>An RGB colour in floats (0–255), for blending without rounding at every step.</summary>
internal readonly record struct Rgb(float R, float G, float B)
{
    public static Rgb operator +(Rgb a, Rgb b) => new(a.R + b.R, a.G + b.G, a.B + b.B);
    public static Rgb operator +(Rgb a, float s) => new(a.R + s, a.G + s, a.B + s);
    public static Rgb operator *(Rgb a, float s) => new(a.R * s, a.G * s, a.B * s);

    public float Distance(Rgb other) => Math.Abs(R - other.R) + Math.Abs(G - other.G) + Math.Abs(B - other.B);
}

/// <summary>Colours picked in HSV (the training set picks RGB uniformly), so hues and saturations are distributed differently.</summary>
internal static class WildPalette
{
    public static Rgb Any(Random random) => FromHsv(random.NextSingle() * 360, 0.2f + 0.8f * random.NextSingle(), 0.15f + 0.85f * random.NextSingle());

    /// <summary>A saturated colour at least <paramref name="minDistance"/> (sum of channel differences) from <paramref name="avoid"/>.</summary>
    public static Rgb Contrasting(Rgb avoid, Random random, float minDistance)
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var color = FromHsv(random.NextSingle() * 360, 0.45f + 0.55f * random.NextSingle(), 0.3f + 0.7f * random.NextSingle());
            if (color.Distance(avoid) >= minDistance) return color;
        }
        // Near-grey backgrounds: black or white, whichever is farther.
        return avoid.R + avoid.G + avoid.B > 3 * 127.5f ? new Rgb(0, 0, 0) : new Rgb(255, 255, 255);
    }

    public static Rgb Lerp(Rgb a, Rgb b, float t) => a * (1 - t) + b * t;

    private static Rgb FromHsv(float hue, float saturation, float value)
    {
        var c = value * saturation;
        var x = c * (1 - Math.Abs(hue / 60 % 2 - 1));
        var m = value - c;
        var (r, g, b) = (int)(hue / 60) switch
        {
            0 => (c, x, 0f),
            1 => (x, c, 0f),
            2 => (0f, c, x),
            3 => (0f, x, c),
            4 => (x, 0f, c),
            _ => (c, 0f, x),
        };
        return new Rgb((r + m) * 255, (g + m) * 255, (b + m) * 255);
    }
}
