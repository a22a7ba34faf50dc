namespace CloudSeg.Datasets.Shapes.Wild;

/// <summary>
/// A float RGB picture (0–255 per channel) that the wild renderer paints into by hand: textured backgrounds, and
/// shapes blended by their supersampled coverage.
/// </summary>
internal sealed class WildCanvas(int width, int height)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public float[] Pixels { get; } = new float[width * height * 3];

    /// <summary>
    /// One of four backgrounds the training set never shows: smooth value noise between two colours, a three-colour
    /// diagonal ramp, a paper-like grain over soft blotches, or overlapping soft colour blobs.
    /// </summary>
    public void PaintBackground(Random random)
    {
        var (a, b, c) = (WildPalette.Any(random), WildPalette.Any(random), WildPalette.Any(random));
        var style = random.Next(4);
        var noise = new ValueNoise(random, cells: 3 + random.Next(6));
        var grain = new ValueNoise(random, cells: Math.Max(Width, Height) / 2);
        var angle = random.NextDouble() * Math.PI;
        var (dx, dy) = ((float)Math.Cos(angle), (float)Math.Sin(angle));
        var blobs = Enumerable.Range(0, 3 + random.Next(4)).Select(_ => (X: random.NextSingle() * Width, Y: random.NextSingle() * Height,
            Sigma: (0.15f + 0.3f * random.NextSingle()) * Math.Max(Width, Height), Color: WildPalette.Any(random))).ToArray();
        for (var y = 0; y < Height; y++)
        for (var x = 0; x < Width; x++)
        {
            float u = (float)x / Width, v = (float)y / Height;
            var color = style switch
            {
                0 => WildPalette.Lerp(a, b, noise.At(u, v)),
                1 => Ramp(a, b, c, Math.Clamp(0.5f + (u - 0.5f) * dx + (v - 0.5f) * dy, 0, 1)),
                2 => WildPalette.Lerp(a, b, 0.3f * noise.At(u, v)) + (grain.At(u, v) - 0.5f) * 60,
                _ => Blobs(a, blobs, x, y),
            };
            Set(x, y, color);
        }
    }

    /// <summary>The mean colour under a box, which a shape's colour must stand out from.</summary>
    public Rgb MeanColor((int X0, int Y0, int X1, int Y1) box)
    {
        var sum = new Rgb(0, 0, 0);
        var count = 0;
        for (var y = box.Y0; y < box.Y1; y++)
        for (var x = box.X0; x < box.X1; x++, count++)
            sum += Get(x, y);
        return count == 0 ? sum : sum * (1f / count);
    }

    /// <summary>Blends <paramref name="fill"/> over the pixel by <paramref name="coverage"/> (0–1).</summary>
    public void Blend(int x, int y, Rgb fill, float coverage) => Set(x, y, Get(x, y) * (1 - coverage) + fill * coverage);

    /// <summary>Gaussian-ish sensor noise (sum of two uniforms) of the given amplitude, then 8-bit RGB.</summary>
    public byte[] ToBytes(Random random, int noiseAmplitude)
    {
        var bytes = new byte[Pixels.Length];
        for (var i = 0; i < Pixels.Length; i++)
        {
            var noise = noiseAmplitude == 0 ? 0 : (random.NextSingle() + random.NextSingle() - 1) * noiseAmplitude;
            bytes[i] = (byte)Math.Clamp(MathF.Round(Pixels[i] + noise), 0, 255);
        }
        return bytes;
    }

    private Rgb Get(int x, int y)
    {
        var i = (y * Width + x) * 3;
        return new Rgb(Pixels[i], Pixels[i + 1], Pixels[i + 2]);
    }

    private void Set(int x, int y, Rgb color)
    {
        var i = (y * Width + x) * 3;
        (Pixels[i], Pixels[i + 1], Pixels[i + 2]) = (color.R, color.G, color.B);
    }

    private static Rgb Ramp(Rgb a, Rgb b, Rgb c, float t) => t < 0.5f ? WildPalette.Lerp(a, b, t * 2) : WildPalette.Lerp(b, c, t * 2 - 1);

    private static Rgb Blobs(Rgb baseColor, (float X, float Y, float Sigma, Rgb Color)[] blobs, int x, int y)
    {
        var color = baseColor;
        foreach (var blob in blobs)
        {
            var d2 = (x - blob.X) * (x - blob.X) + (y - blob.Y) * (y - blob.Y);
            color = WildPalette.Lerp(color, blob.Color, 0.8f * MathF.Exp(-d2 / (2 * blob.Sigma * blob.Sigma)));
        }
        return color;
    }

    /// <summary>Bilinear value noise on a cells × cells lattice of random values, smoothstep-interpolated, in [0, 1].</summary>
    private sealed class ValueNoise
    {
        private readonly float[] _lattice;
        private readonly int _cells;

        public ValueNoise(Random random, int cells)
        {
            _cells = Math.Max(1, cells);
            _lattice = Enumerable.Range(0, (_cells + 1) * (_cells + 1)).Select(_ => random.NextSingle()).ToArray();
        }

        public float At(float u, float v)
        {
            float gx = u * _cells, gy = v * _cells;
            int x0 = Math.Min((int)gx, _cells - 1), y0 = Math.Min((int)gy, _cells - 1);
            float fx = Smooth(gx - x0), fy = Smooth(gy - y0);
            float Value(int x, int y) => _lattice[y * (_cells + 1) + x];
            var top = Value(x0, y0) + (Value(x0 + 1, y0) - Value(x0, y0)) * fx;
            var bottom = Value(x0, y0 + 1) + (Value(x0 + 1, y0 + 1) - Value(x0, y0 + 1)) * fx;
            return top + (bottom - top) * fy;
        }

        private static float Smooth(float t) => t * t * (3 - 2 * t);
    }
}
