using SkiaSharp;

namespace CloudSeg.Datasets.Shapes;

/// <summary>Paints varied backgrounds (gradients, stripes, checkerboards) so a model cannot find shapes by colour alone.</summary>
internal static class BackgroundPainter
{
    /// <summary>Paints the whole canvas and returns the background's mean colour, which shapes must stand out from.</summary>
    public static SKColor Paint(SKCanvas canvas, int size, Random random)
    {
        var first = RandomColors.Any(random);
        var second = RandomColors.Near(first, random, spread: 90);
        using var paint = new SKPaint { IsAntialias = true };
        switch (random.Next(4))
        {
            case 0:
                paint.Shader = SKShader.CreateLinearGradient(
                    new SKPoint(random.Next(size), 0), new SKPoint(random.Next(size), size), [first, second], SKShaderTileMode.Clamp);
                canvas.DrawRect(0, 0, size, size, paint);
                break;
            case 1:
                paint.Shader = SKShader.CreateRadialGradient(
                    new SKPoint(random.Next(size), random.Next(size)), size * (0.3f + (float)random.NextDouble()), [first, second], SKShaderTileMode.Clamp);
                canvas.DrawRect(0, 0, size, size, paint);
                break;
            case 2:
                PaintStripes(canvas, size, random, first, second, paint);
                break;
            default:
                PaintCheckerboard(canvas, size, random, first, second, paint);
                break;
        }
        return RandomColors.Mix(first, second);
    }

    private static void PaintStripes(SKCanvas canvas, int size, Random random, SKColor first, SKColor second, SKPaint paint)
    {
        canvas.Clear(first);
        paint.Color = second;
        var period = Math.Max(4, size / (4 + random.Next(8)));
        canvas.Save();
        canvas.RotateDegrees(random.Next(180), size / 2f, size / 2f);
        // Stripes over twice the canvas so the rotated pattern still covers every corner.
        for (var x = -size; x < 2 * size; x += period)
        {
            canvas.DrawRect(x, -size, period / 2f, 3 * size, paint);
        }
        canvas.Restore();
    }

    private static void PaintCheckerboard(SKCanvas canvas, int size, Random random, SKColor first, SKColor second, SKPaint paint)
    {
        canvas.Clear(first);
        paint.Color = second;
        var cell = Math.Max(3, size / (3 + random.Next(10)));
        for (var y = 0; y < size; y += cell)
        {
            for (var x = (y / cell) % 2 * cell; x < size; x += 2 * cell)
            {
                canvas.DrawRect(x, y, cell, cell, paint);
            }
        }
    }
}
