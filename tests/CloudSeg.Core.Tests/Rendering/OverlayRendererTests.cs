using CloudSeg.Core.Geometry;
using CloudSeg.Core.Imaging;
using CloudSeg.Core.Masks;
using CloudSeg.Core.Rendering;

namespace CloudSeg.Core.Tests.Rendering;

public class OverlayRendererTests
{
    private const int Width = 160, Height = 120;

    private static readonly OverlayStyle MasksOnly = new() { DrawBoxes = false, DrawLabels = false };

    [Fact]
    public void Mask_tint_changes_pixels_inside_the_mask_and_none_outside()
    {
        var image = Gray(Width, Height, 128);
        var mask = RleMask.FromPolygons([[20.0, 15.0, 90.0, 20.0, 70.0, 100.0, 25.0, 80.0]], Height, Width);
        var colour = Palette.Rgb(0);

        var rendered = OverlayRenderer.Render(image, [new OverlayInstance(mask, mask.BoundingBox, "shape", 0.9f, 0)], MasksOnly);

        var inside = mask.Decode();
        var changedInside = 0;
        for (var i = 0; i < inside.Length; i++)
        {
            var pixel = (rendered.Pixels[i * 3], rendered.Pixels[i * 3 + 1], rendered.Pixels[i * 3 + 2]);
            if (inside[i] == 0)
            {
                Assert.Equal(((byte)128, (byte)128, (byte)128), pixel);
                continue;
            }
            Assert.NotEqual(((byte)128, (byte)128, (byte)128), pixel);
            changedInside++;
            // Every channel moves from grey towards the instance colour.
            Assert.True(Math.Sign(pixel.Item1 - 128) == Math.Sign(colour.R - 128) || pixel.Item1 == colour.R);
        }
        Assert.Equal(mask.Area, changedInside);
    }

    [Fact]
    public void Interior_pixels_are_blended_and_outline_pixels_are_solid()
    {
        var image = Gray(40, 30, 100);
        var square = new byte[30 * 40];
        for (var y = 5; y < 25; y++)
        for (var x = 10; x < 30; x++)
            square[y * 40 + x] = 1;
        var mask = RleMask.Encode(square, 30, 40);
        var colour = Palette.Rgb(3);
        var style = new OverlayStyle { DrawBoxes = false, DrawLabels = false, MaskOpacity = 0.5f };

        var rendered = OverlayRenderer.Render(image, [new OverlayInstance(mask, mask.BoundingBox, "square", 1f, 3)], style);

        Assert.Equal(colour.R, rendered.Pixels[(5 * 40 + 10) * 3]); // corner: outline
        Assert.Equal((100 + colour.R) / 2, rendered.Pixels[(15 * 40 + 20) * 3], 1.0); // interior: half-way
    }

    [Fact]
    public void Palette_gives_distinct_colours_to_the_first_twenty_instances()
    {
        var colours = Enumerable.Range(0, 20).Select(Palette.Rgb).ToList();
        for (var i = 0; i < colours.Count; i++)
        for (var j = i + 1; j < colours.Count; j++)
        {
            var distance = Math.Abs(colours[i].R - colours[j].R) + Math.Abs(colours[i].G - colours[j].G) + Math.Abs(colours[i].B - colours[j].B);
            Assert.True(distance > 30, $"colours {i} and {j} are too close: {colours[i]} vs {colours[j]}");
        }
        Assert.Equal(7, Palette.Hex(5).Length);
    }

    [Fact]
    public void Labels_are_drawn_with_text_on_a_coloured_background()
    {
        Assert.True(LabelTypeface.IsAvailable, "no font found: install fonts-dejavu-core");
        var image = Gray(Width, Height, 0);
        var box = new BoxF(30, 60, 140, 110);
        var mask = RleMask.FromBox(box.X1, box.Y1, box.Width, box.Height, Height, Width);
        var style = new OverlayStyle { FontSize = 14 };

        var rendered = OverlayRenderer.Render(image, [new OverlayInstance(mask, box, "person", 0.87f, 0)], style);

        // The label sits above the box: its background is the instance colour, with text in dark ink on it.
        var colour = Palette.Rgb(0);
        int background = 0, ink = 0;
        for (var y = 40; y < 60; y++)
        for (var x = 30; x < 130; x++)
        {
            var i = (y * Width + x) * 3;
            var (r, g, b) = (rendered.Pixels[i], rendered.Pixels[i + 1], rendered.Pixels[i + 2]);
            if ((r, g, b) == colour) background++;
            else if (r + g + b < 150 || r + g + b > 700) ink++;
        }
        Assert.True(background > 300, $"label background pixels: {background}");
        Assert.True(ink > 40, $"text pixels: {ink}");
        // The box outline is drawn in the instance colour.
        var boxEdge = ((int)box.Y1 + 20) * Width + (int)box.X2;
        Assert.Equal(colour, (rendered.Pixels[boxEdge * 3], rendered.Pixels[boxEdge * 3 + 1], rendered.Pixels[boxEdge * 3 + 2]));
    }

    [Fact]
    public void Png_output_holds_the_rendered_pixels()
    {
        var image = TestImagesPattern();
        var mask = RleMask.FromPolygons([[10.0, 10.0, 60.0, 15.0, 40.0, 70.0]], Height, Width);
        OverlayInstance[] instances = [new(mask, mask.BoundingBox, "thing", 0.5f, 1)];

        var png = OverlayRenderer.RenderPng(image, instances);

        Assert.Equal(OverlayRenderer.Render(image, instances).Pixels, ImageDecoder.Decode(png).Pixels);
    }

    [Fact]
    public void Overlapping_masks_show_the_best_score_on_top_whatever_the_order_given()
    {
        var image = Gray(Width, Height, 128);
        var mask = RleMask.FromBox(20, 20, 60, 60, Height, Width);
        var opaque = new OverlayStyle { DrawBoxes = false, DrawLabels = false, DrawMaskOutlines = false, MaskOpacity = 1f };
        OverlayInstance best = new(mask, mask.BoundingBox, "best", 0.9f, 0), worse = new(mask, mask.BoundingBox, "worse", 0.3f, 1);

        foreach (var order in new[] { new[] { best, worse }, [worse, best] })
        {
            var rendered = OverlayRenderer.Render(image, order, opaque);
            var p = (40 * Width + 40) * 3;
            Assert.Equal(Palette.Rgb(0), (rendered.Pixels[p], rendered.Pixels[p + 1], rendered.Pixels[p + 2]));
        }
    }

    [Fact]
    public void Thumbnail_fits_the_longest_side_and_keeps_colour()
    {
        var image = Gray(1000, 600, 200);
        var thumbnail = ImageDecoder.Decode(OverlayRenderer.ThumbnailJpeg(image, 200));
        Assert.Equal((200, 120), (thumbnail.Width, thumbnail.Height));
        Assert.InRange(thumbnail.Pixels[(60 * 200 + 100) * 3], 195, 205);

        var small = ImageDecoder.Decode(OverlayRenderer.ThumbnailJpeg(Gray(50, 40, 10), 200));
        Assert.Equal((50, 40), (small.Width, small.Height));
    }

    [Fact]
    public void Mask_of_another_size_is_refused()
    {
        var image = Gray(Width, Height, 0);
        Assert.Throws<ArgumentException>(() => OverlayRenderer.Render(image, [new OverlayInstance(RleMask.FromBox(0, 0, 5, 5, 10, 10), new BoxF(0, 0, 5, 5), "x", 1, 0)]));
    }

    private static RgbImage Gray(int width, int height, byte value)
    {
        var pixels = new byte[width * height * 3];
        Array.Fill(pixels, value);
        return new RgbImage(width, height, pixels);
    }

    private static RgbImage TestImagesPattern() => Imaging.TestImages.Pattern(Width, Height);
}
