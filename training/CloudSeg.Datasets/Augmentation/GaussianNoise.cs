using CloudSeg.Core.Imaging;

namespace CloudSeg.Datasets.Augmentation;

/// <summary>
/// Additive Gaussian pixel noise of standard deviation <see cref="Sigma"/> (0–255 levels), independent per pixel and
/// channel, drawn from <see cref="Seed"/> so the same plan gives the same noise. Teaches robustness to sensor noise
/// and grain, which clean rendered pictures never show.
/// </summary>
public readonly record struct GaussianNoise(double Sigma, int Seed)
{
    public RgbImage Apply(RgbImage image)
    {
        var random = new Random(Seed);
        var source = image.Pixels;
        var pixels = new byte[source.Length];
        for (var i = 0; i < source.Length; i += 2)
        {
            // Box–Muller: two independent standard normal values per pair of uniforms.
            var radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble()));
            var angle = 2 * Math.PI * random.NextDouble();
            pixels[i] = Add(source[i], Sigma * radius * Math.Cos(angle));
            if (i + 1 < source.Length)
            {
                pixels[i + 1] = Add(source[i + 1], Sigma * radius * Math.Sin(angle));
            }
        }
        return new RgbImage(image.Width, image.Height, pixels);
    }

    static byte Add(byte value, double noise) => (byte)Math.Clamp(Math.Round(value + noise), 0, 255);
}
