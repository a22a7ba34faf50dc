using CloudSeg.Core.Imaging;
using CloudSeg.Core.Masks;

namespace CloudSeg.Datasets.Shapes.Wild;

/// <summary>
/// The second shapes renderer (<c>cloudseg shapes --style wild</c>), written apart from <see cref="ShapesGenerator"/>
/// to test how a model trained on that set generalises: non-square pictures of 192–320 px, 3–8 smaller shapes, HSV
/// colours, value-noise, ramp, grain and blob backgrounds, shading or speckle on the shapes, and its own rasteriser
/// (inside tests with 4×4 supersampled coverage instead of SkiaSharp's anti-aliasing). Masks are the pixels whose
/// centre lies inside the shape and not under a later one; a shape that would show too little is not drawn.
/// </summary>
public sealed class WildShapesRenderer : IShapesRenderer
{
    private readonly WildShapesOptions _options;

    public WildShapesRenderer(WildShapesOptions options)
    {
        options.Validate();
        _options = options;
    }

    public IReadOnlyList<ShapeKind> Classes => _options.Classes;

    public ShapesImage Render(int splitNumber, int index)
    {
        var random = new Random(Seed(splitNumber, index));
        var (width, height) = _options.Sizes[random.Next(_options.Sizes.Count)];
        var canvas = new WildCanvas(width, height);
        canvas.PaintBackground(random);

        var shapes = Place(random, width, height);
        var owner = new int[width * height];   // 1 + index of the top-most shape whose centre test holds, 0 = background
        for (var i = 0; i < shapes.Count; i++)
            Paint(canvas, shapes[i], i + 1, owner, random);

        var instances = new List<InstanceAnnotation>();
        for (var i = 0; i < shapes.Count; i++)
        {
            var visible = new byte[owner.Length];
            for (var p = 0; p < owner.Length; p++)
                if (owner[p] == i + 1) visible[p] = 1;
            var mask = RleMask.Encode(visible, height, width);
            if (mask.Area > 0) instances.Add(new InstanceAnnotation(shapes[i].CategoryId, mask, mask.BoundingBox));
        }
        var pixels = canvas.ToBytes(random, noiseAmplitude: random.Next(0, 4) * 6);
        return new ShapesImage(new RgbImage(width, height, pixels), instances);
    }

    /// <summary>Places shapes bottom first and drops one that later shapes would cover too much, which uncovers the rest.</summary>
    private List<Placed> Place(Random random, int width, int height)
    {
        var shortSide = Math.Min(width, height);
        var count = random.Next(_options.MinShapesPerImage, _options.MaxShapesPerImage + 1);
        var candidates = new List<Placed>();
        for (var i = 0; i < count; i++)
        {
            var classIndex = random.Next(_options.Classes.Count);
            var radius = (float)(shortSide * (_options.MinRadius + random.NextDouble() * (_options.MaxRadius - _options.MinRadius)));
            var geometry = new WildShapeGeometry(_options.Classes[classIndex],
                radius * 0.6f + random.NextSingle() * (width - 1.2f * radius), radius * 0.6f + random.NextSingle() * (height - 1.2f * radius),
                radius, random.NextSingle() * 2 * MathF.PI, starInnerRatio: 0.38f + 0.17f * random.NextSingle());
            candidates.Add(new Placed(classIndex + 1, geometry, Centres(geometry, width, height)));
        }

        // Top-most first: a shape keeps what no shape above it covers.
        var covered = new bool[width * height];
        var kept = new List<Placed>();
        for (var i = candidates.Count - 1; i >= 0; i--)
        {
            var inside = candidates[i].Inside;
            var visible = inside.Count(p => !covered[p]);
            if (visible < _options.MinVisiblePixels || visible < _options.MinVisibleFraction * inside.Count) continue;
            foreach (var p in inside) covered[p] = true;
            kept.Add(candidates[i]);
        }
        kept.Reverse();
        return kept;
    }

    /// <summary>Blends the shape in by coverage, with a flat, shaded or speckled fill, and claims its centre pixels.</summary>
    private void Paint(WildCanvas canvas, Placed shape, int id, int[] owner, Random random)
    {
        var box = shape.Geometry.Bounds(canvas.Width, canvas.Height);
        var fill = WildPalette.Contrasting(canvas.MeanColor(box), random, minDistance: 140);
        var style = random.Next(3);
        var (shadeX, shadeY) = (random.NextSingle() * 2 - 1, random.NextSingle() * 2 - 1);
        int n = _options.Supersampling;
        float step = 1f / n;
        for (var y = box.Y0; y < box.Y1; y++)
        for (var x = box.X0; x < box.X1; x++)
        {
            var hits = 0;
            for (var sy = 0; sy < n; sy++)
            for (var sx = 0; sx < n; sx++)
                if (shape.Geometry.Contains(x + (sx + 0.5f) * step, y + (sy + 0.5f) * step)) hits++;
            if (hits == 0) continue;
            var color = style switch
            {
                0 => fill,
                // Lit from one side: ±25 % brightness across the shape's box.
                1 => fill * (1 + 0.25f * ((x - box.X0) / (float)Math.Max(1, box.X1 - box.X0) * 2 - 1) * shadeX
                               + 0.25f * ((y - box.Y0) / (float)Math.Max(1, box.Y1 - box.Y0) * 2 - 1) * shadeY),
                _ => fill + (random.NextSingle() - 0.5f) * 50,
            };
            canvas.Blend(x, y, color, (float)hits / (n * n));
        }
        foreach (var p in shape.Inside) owner[p] = id;
    }

    /// <summary>Pixels whose centre lies inside the shape.</summary>
    private static List<int> Centres(WildShapeGeometry geometry, int width, int height)
    {
        var (x0, y0, x1, y1) = geometry.Bounds(width, height);
        var inside = new List<int>();
        for (var y = y0; y < y1; y++)
        for (var x = x0; x < x1; x++)
            if (geometry.Contains(x + 0.5f, y + 0.5f)) inside.Add(y * width + x);
        return inside;
    }

    /// <summary>A per-picture seed mixed from the options' seed, split and index (xorshift-multiply, unlike ShapesGenerator's SplitMix).</summary>
    private int Seed(int splitNumber, int index)
    {
        var h = (uint)_options.Seed * 2654435761u ^ (uint)(splitNumber + 1) * 2246822519u ^ (uint)(index + 1) * 3266489917u;
        h ^= h >> 15;
        h *= 668265263u;
        h ^= h >> 13;
        return (int)(h & int.MaxValue);
    }

    private sealed record Placed(int CategoryId, WildShapeGeometry Geometry, List<int> Inside);
}
