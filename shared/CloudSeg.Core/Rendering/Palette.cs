namespace CloudSeg.Core.Rendering;

/// <summary>
/// The one colour rule of every overlay (the dashboard's canvas, the stored overlay PNG, the CLI's PNG): the instance
/// ranked i-th by score (best = 0) gets colour i. Hues step by the golden ratio, so neighbouring ranks get clearly
/// different colours and any number of instances can be coloured.
/// </summary>
public static class Palette
{
    private const double GoldenRatioConjugate = 0.618033988749895;

    public static (byte R, byte G, byte B) Rgb(int index)
    {
        var hue = (0.12 + (uint)index * GoldenRatioConjugate) % 1.0;
        // Alternate saturation/brightness a little so hues that land close together still differ.
        var saturation = index % 3 == 2 ? 0.65 : 0.85;
        var value = index % 2 == 1 ? 0.88 : 1.0;
        return FromHsv(hue, saturation, value);
    }

    /// <summary>"#RRGGBB" for CSS: the browser paints rank i in the same colour as the PNG.</summary>
    public static string Hex(int index)
    {
        var (r, g, b) = Rgb(index);
        return $"#{r:X2}{g:X2}{b:X2}";
    }

    private static (byte, byte, byte) FromHsv(double hue, double saturation, double value)
    {
        var sector = hue * 6;
        var i = (int)Math.Floor(sector) % 6;
        var f = sector - Math.Floor(sector);
        double p = value * (1 - saturation), q = value * (1 - saturation * f), t = value * (1 - saturation * (1 - f));
        var (r, g, b) = i switch
        {
            0 => (value, t, p),
            1 => (q, value, p),
            2 => (p, value, t),
            3 => (p, q, value),
            4 => (t, p, value),
            _ => (value, p, q),
        };
        return ((byte)Math.Round(r * 255), (byte)Math.Round(g * 255), (byte)Math.Round(b * 255));
    }
}
