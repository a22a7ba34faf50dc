using CloudSeg.Core.Imaging;

namespace CloudSeg.Datasets.Augmentation;

/// <summary>
/// SSD's photometric distortion (Liu et al. 2016; ssd.pytorch's PhotometricDistort): each of a brightness shift
/// (±32 levels), a contrast factor (0.5–1.5), a saturation factor (0.5–1.5, in HSV) and a hue shift (±18°) happens
/// with probability ½, with the contrast change before or after the HSV part (½ each). A null factor is a step left out.
/// Teaches colour invariance: a shape's class does not depend on its colour, its background's or the lighting.
/// </summary>
public readonly record struct PhotometricDistortion(double? BrightnessDelta, double? Contrast, double? Saturation,
    double? HueDegrees, bool ContrastFirst)
{
    public const double MaxBrightnessDelta = 32, MinFactor = 0.5, MaxFactor = 1.5, MaxHueDegrees = 18;

    public static PhotometricDistortion Sample(Random random)
    {
        double? Maybe(double low, double high) => random.NextDouble() < 0.5 ? low + random.NextDouble() * (high - low) : null;
        var brightness = Maybe(-MaxBrightnessDelta, MaxBrightnessDelta);
        var contrastFirst = random.NextDouble() < 0.5;
        var contrast = Maybe(MinFactor, MaxFactor);
        var saturation = Maybe(MinFactor, MaxFactor);
        var hue = Maybe(-MaxHueDegrees, MaxHueDegrees);
        return new PhotometricDistortion(brightness, contrast, saturation, hue, contrastFirst);
    }

    /// <summary>The distorted copy of <paramref name="image"/>; values are clamped to 0–255 after each step.</summary>
    public RgbImage Apply(RgbImage image)
    {
        var source = image.Pixels;
        var pixels = new byte[source.Length];
        var hsv = Saturation is not null || HueDegrees is not null;
        for (var i = 0; i < source.Length; i += 3)
        {
            double r = source[i], g = source[i + 1], b = source[i + 2];
            if (BrightnessDelta is { } delta)
            {
                (r, g, b) = (Clamp(r + delta), Clamp(g + delta), Clamp(b + delta));
            }
            if (ContrastFirst && Contrast is { } before)
            {
                (r, g, b) = (Clamp(r * before), Clamp(g * before), Clamp(b * before));
            }
            if (hsv)
            {
                (r, g, b) = ShiftHsv(r, g, b, Saturation ?? 1, HueDegrees ?? 0);
            }
            if (!ContrastFirst && Contrast is { } after)
            {
                (r, g, b) = (Clamp(r * after), Clamp(g * after), Clamp(b * after));
            }
            pixels[i] = (byte)Math.Round(r);
            pixels[i + 1] = (byte)Math.Round(g);
            pixels[i + 2] = (byte)Math.Round(b);
        }
        return new RgbImage(image.Width, image.Height, pixels);
    }

    /// <summary>Scales the saturation and rotates the hue of one 0–255 RGB pixel (HSV with the value kept).</summary>
    static (double R, double G, double B) ShiftHsv(double r, double g, double b, double saturationFactor, double hueDegrees)
    {
        var max = Math.Max(r, Math.Max(g, b));
        var min = Math.Min(r, Math.Min(g, b));
        var chroma = max - min;
        if (max <= 0 || chroma <= 0)
        {
            return (r, g, b); // grey: no hue to turn, no saturation to scale
        }
        double hue = max == r ? (g - b) / chroma % 6 : max == g ? (b - r) / chroma + 2 : (r - g) / chroma + 4;
        hue = ((hue * 60 + hueDegrees) % 360 + 360) % 360;
        var saturation = Math.Min(1, chroma / max * saturationFactor);
        var c = max * saturation;
        var x = c * (1 - Math.Abs(hue / 60 % 2 - 1));
        var m = max - c;
        var (r1, g1, b1) = (int)(hue / 60) switch
        {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        return (r1 + m, g1 + m, b1 + m);
    }

    static double Clamp(double value) => Math.Clamp(value, 0, 255);
}
