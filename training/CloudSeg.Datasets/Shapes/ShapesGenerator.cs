using CloudSeg.Core.Imaging;
using CloudSeg.Core.Masks;
using SkiaSharp;

namespace CloudSeg.Datasets.Shapes;

/// <summary>
/// Draws synthetic instance-segmentation pictures: random shapes over textured backgrounds, with random size, rotation,
/// colour and overlaps. Shapes drawn later occlude earlier ones; each instance's mask is what stays visible, and a
/// shape that would be mostly hidden is not drawn at all, so every visible object is annotated.
/// Everything derives from the image seed, so the same seed gives the same picture, byte for byte.
/// </summary>
public sealed class ShapesGenerator : IShapesRenderer
{
    private readonly ShapesOptions options;

    public ShapesGenerator(ShapesOptions options)
    {
        options.Validate();
        this.options = options;
    }

    public IReadOnlyList<ShapeKind> Classes => options.Classes;

    public ShapesImage Render(int splitNumber, int index) => Generate(ImageSeed(splitNumber, index));

    /// <summary>The seed of image <paramref name="index"/> of a split, so splits never share pictures and any image can be made alone.</summary>
    public int ImageSeed(int splitNumber, int index)
    {
        // SplitMix64 finaliser: nearby inputs give unrelated seeds.
        var z = unchecked((ulong)options.Seed * 0x9E3779B97F4A7C15UL + (ulong)splitNumber * 0xBF58476D1CE4E5B9UL + (ulong)index);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    public ShapesImage Generate(int imageSeed)
    {
        var random = new Random(imageSeed);
        var size = options.ImageSize;
        var shapes = PlaceShapes(random);
        var kept = KeepVisible(shapes);

        using var bitmap = new SKBitmap(size, size, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(bitmap))
        {
            var background = BackgroundPainter.Paint(canvas, size, random);
            foreach (var shape in kept)
            {
                DrawShape(canvas, shape.Shape.Geometry, RandomColors.Contrasting(background, random, minDistance: 150), random);
            }
        }
        var image = ToRgb(bitmap);
        AddNoise(image, random);

        var instances = kept
            .Select(s => new InstanceAnnotation(s.Shape.CategoryId, s.Visible, s.Visible.BoundingBox))
            .ToArray();
        return new ShapesImage(image, instances);
    }

    private List<PlacedShape> PlaceShapes(Random random)
    {
        var size = options.ImageSize;
        var count = random.Next(options.MinShapesPerImage, options.MaxShapesPerImage + 1);
        var shapes = new List<PlacedShape>(count);
        for (var i = 0; i < count; i++)
        {
            var classIndex = random.Next(options.Classes.Count);
            var radius = (float)(size * (options.MinRadius + random.NextDouble() * (options.MaxRadius - options.MinRadius)));
            // Centres keep at least half the radius inside the picture, so shapes may be cut by the border but not lost.
            var margin = radius * 0.5f;
            var geometry = new ShapeGeometry(
                options.Classes[classIndex],
                CenterX: margin + (float)random.NextDouble() * (size - 2 * margin),
                CenterY: margin + (float)random.NextDouble() * (size - 2 * margin),
                Radius: radius,
                RotationRadians: (float)(random.NextDouble() * 2 * Math.PI),
                Aspect: 0.4f + (float)random.NextDouble() * 0.4f);
            shapes.Add(new PlacedShape(classIndex + 1, geometry, RasterizeMask(geometry)));
        }
        return shapes;
    }

    /// <summary>
    /// Walks from the top-most shape down, subtracting what lies above; a shape showing too little is dropped, which
    /// uncovers the shapes below it.
    /// </summary>
    private List<(PlacedShape Shape, RleMask Visible)> KeepVisible(List<PlacedShape> shapes)
    {
        var size = options.ImageSize;
        var covered = new byte[size * size];
        var kept = new List<(PlacedShape, RleMask)>();
        for (var i = shapes.Count - 1; i >= 0; i--)
        {
            var full = shapes[i].FullMask;
            var visible = new byte[full.Length];
            int fullArea = 0, visibleArea = 0;
            for (var p = 0; p < full.Length; p++)
            {
                if (full[p] == 0)
                {
                    continue;
                }
                fullArea++;
                if (covered[p] == 0)
                {
                    visible[p] = 1;
                    visibleArea++;
                }
            }
            if (visibleArea < options.MinVisiblePixels || visibleArea < options.MinVisibleFraction * fullArea)
            {
                continue;
            }
            for (var p = 0; p < full.Length; p++)
            {
                covered[p] |= full[p];
            }
            kept.Add((shapes[i], RleMask.Encode(visible, size, size)));
        }
        kept.Reverse();
        return kept;
    }

    /// <summary>The shape's pixels without anti-aliasing (row-major, 1 = inside), for exact masks.</summary>
    private byte[] RasterizeMask(ShapeGeometry geometry)
    {
        var size = options.ImageSize;
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Alpha8, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { IsAntialias = false, Color = SKColors.White, Style = SKPaintStyle.Fill })
        using (var path = geometry.ToPath())
        {
            canvas.Clear(SKColors.Transparent);
            canvas.DrawPath(path, paint);
        }
        var mask = new byte[size * size];
        var pixels = bitmap.GetPixelSpan();
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                mask[y * size + x] = pixels[y * bitmap.RowBytes + x] >= 128 ? (byte)1 : (byte)0;
            }
        }
        return mask;
    }

    private static void DrawShape(SKCanvas canvas, ShapeGeometry geometry, SKColor color, Random random)
    {
        using var path = geometry.ToPath();
        using var paint = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill, Color = color };
        // Some shapes get a gentle gradient fill, so a class is not one flat colour.
        if (random.NextDouble() < 0.4)
        {
            var r = geometry.Radius;
            paint.Shader = SKShader.CreateLinearGradient(
                new SKPoint(geometry.CenterX - r, geometry.CenterY - r), new SKPoint(geometry.CenterX + r, geometry.CenterY + r),
                [color, RandomColors.Near(color, random, spread: 50)], SKShaderTileMode.Clamp);
        }
        canvas.DrawPath(path, paint);
    }

    private static RgbImage ToRgb(SKBitmap bitmap)
    {
        var rgba = bitmap.GetPixelSpan();
        var pixels = new byte[bitmap.Width * bitmap.Height * 3];
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var source = y * bitmap.RowBytes + x * 4;
                var target = (y * bitmap.Width + x) * 3;
                pixels[target] = rgba[source];
                pixels[target + 1] = rgba[source + 1];
                pixels[target + 2] = rgba[source + 2];
            }
        }
        return new RgbImage(bitmap.Width, bitmap.Height, pixels);
    }

    /// <summary>Sensor-like noise over the finished picture (shapes included), of a random strength per image.</summary>
    private static void AddNoise(RgbImage image, Random random)
    {
        var amplitude = random.Next(0, 16);
        if (amplitude == 0)
        {
            return;
        }
        var pixels = image.Pixels;
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp(pixels[i] + random.Next(-amplitude, amplitude + 1), 0, 255);
        }
    }

    private sealed record PlacedShape(int CategoryId, ShapeGeometry Geometry, byte[] FullMask);
}
