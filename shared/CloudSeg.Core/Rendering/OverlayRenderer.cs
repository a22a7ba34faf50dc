using System.Globalization;
using CloudSeg.Core.Imaging;
using SkiaSharp;

namespace CloudSeg.Core.Rendering;

/// <summary>
/// Draws segmentation results for people: translucent coloured masks with outlines, box outlines, and
/// "class score" labels on a solid background in the instance's colour; plus JPEG thumbnails. Instances are drawn
/// lowest score first, so where masks overlap the best-scored one is on top (as in the dashboard's canvas).
/// </summary>
public static class OverlayRenderer
{
    private static readonly OverlayStyle DefaultStyle = new();

    public static byte[] RenderPng(RgbImage image, IReadOnlyList<OverlayInstance> instances, OverlayStyle? style = null)
    {
        style ??= DefaultStyle;
        using var bitmap = Draw(image, instances, style);
        return SkiaBitmaps.EncodePng(bitmap, style.PngCompressionLevel);
    }

    /// <summary>The overlay as pixels (same drawing as <see cref="RenderPng"/>).</summary>
    public static RgbImage Render(RgbImage image, IReadOnlyList<OverlayInstance> instances, OverlayStyle? style = null)
    {
        using var bitmap = Draw(image, instances, style ?? DefaultStyle);
        return SkiaBitmaps.ToRgb(bitmap);
    }

    /// <summary>A JPEG no larger than <paramref name="maxSide"/> on its longest side (never scaled up).</summary>
    public static byte[] ThumbnailJpeg(RgbImage image, int maxSide, int quality = 85)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSide);
        using var full = SkiaBitmaps.ToBitmap(image);
        var fitted = SkiaBitmaps.FitWithin(full, maxSide);
        try
        {
            return SkiaBitmaps.EncodeJpeg(fitted, quality);
        }
        finally
        {
            if (fitted != full) fitted.Dispose();
        }
    }

    private static SKBitmap Draw(RgbImage image, IReadOnlyList<OverlayInstance> instances, OverlayStyle style)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(instances);
        var bitmap = SkiaBitmaps.ToBitmap(image);
        instances = [.. instances.OrderBy(i => i.Score)];
        try
        {
            var pixels = bitmap.GetPixelSpan();
            foreach (var instance in instances)
                MaskBlender.Blend(pixels, image.Width, image.Height, instance.Mask, Palette.Rgb(instance.ColorIndex), style.MaskOpacity, style.DrawMaskOutlines);

            using var canvas = new SKCanvas(bitmap);
            var shorter = Math.Min(image.Width, image.Height);
            if (style.DrawBoxes)
            {
                var stroke = style.BoxStrokeWidth > 0 ? style.BoxStrokeWidth : Math.Max(2f, shorter / 300f);
                using var paint = new SKPaint { Style = SKPaintStyle.Stroke, StrokeWidth = stroke, IsAntialias = true };
                foreach (var instance in instances)
                {
                    paint.Color = ToSkColor(Palette.Rgb(instance.ColorIndex));
                    var b = instance.Box;
                    canvas.DrawRect(SKRect.Create(b.X1, b.Y1, b.Width, b.Height), paint);
                }
            }
            if (style.DrawLabels && LabelTypeface.Typeface is { } typeface)
            {
                using var font = new SKFont(typeface, AutoFontSize(image.Width, image.Height, style.FontSize)) { Edging = SKFontEdging.Antialias };
                foreach (var instance in instances)
                    DrawLabel(canvas, font, instance, image.Width, image.Height);
            }
            return bitmap;
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }

    private static void DrawLabel(SKCanvas canvas, SKFont font, OverlayInstance instance, int width, int height)
    {
        var text = float.IsFinite(instance.Score)
            ? string.Create(CultureInfo.InvariantCulture, $"{instance.Label} {instance.Score:0.00}")
            : instance.Label;
        font.GetFontMetrics(out var metrics);
        var pad = MathF.Ceiling(font.Size * 0.25f);
        var labelWidth = font.MeasureText(text) + 2 * pad;
        var labelHeight = metrics.Descent - metrics.Ascent + 2 * pad;

        // Above the box when there is room, else just inside its top edge; always within the picture.
        var x = Math.Clamp(instance.Box.X1, 0, Math.Max(0, width - labelWidth));
        var y = instance.Box.Y1 - labelHeight >= 0 ? instance.Box.Y1 - labelHeight : instance.Box.Y1;
        y = Math.Clamp(y, 0, Math.Max(0, height - labelHeight));

        var colour = Palette.Rgb(instance.ColorIndex);
        using var background = new SKPaint { Color = ToSkColor(colour), Style = SKPaintStyle.Fill };
        canvas.DrawRect(SKRect.Create(x, y, labelWidth, labelHeight), background);
        // Dark text on light colours, white text on dark ones (Rec. 601 luma).
        var luma = 0.299f * colour.R + 0.587f * colour.G + 0.114f * colour.B;
        using var ink = new SKPaint { Color = luma > 150 ? SKColors.Black : SKColors.White, IsAntialias = true };
        canvas.DrawText(text, x + pad, y + pad - metrics.Ascent, font, ink);
    }

    private static float AutoFontSize(int width, int height, float configured) =>
        configured > 0 ? configured : Math.Clamp(Math.Min(width, height) / 40f, 11f, 28f);

    private static SKColor ToSkColor((byte R, byte G, byte B) c) => new(c.R, c.G, c.B);
}
