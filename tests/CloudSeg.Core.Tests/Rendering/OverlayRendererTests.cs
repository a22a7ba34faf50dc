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
    public void Side_by_side_shows_the_input_left_and_the_overlay_right_under_captions()
    {
        var image = TestImagesPattern();
        var mask = RleMask.FromPolygons([[10.0, 10.0, 60.0, 15.0, 40.0, 70.0]], Height, Width);
        OverlayInstance[] instances = [new(mask, mask.BoundingBox, "thing", 0.5f, 1)];

        var picture = ImageDecoder.Decode(OverlayRenderer.SideBySidePng(image, instances));

        var captionHeight = picture.Height - Height;
        var gap = picture.Width - 2 * Width;
        Assert.InRange(captionHeight, 15, 40);
        Assert.InRange(gap, 4, 10);
        var overlay = OverlayRenderer.Render(image, instances);
        for (var y = 0; y < Height; y++)
        {
            Assert.Equal(image.Row(y).ToArray(), picture.Row(y + captionHeight)[..(Width * 3)].ToArray());
            Assert.Equal(overlay.Row(y).ToArray(), picture.Row(y + captionHeight)[((Width + gap) * 3)..].ToArray());
        }
        // Caption text: some bright pixels on the dark strip above each panel.
        Assert.Contains(picture.Row(captionHeight / 2)[..(Width * 3)].ToArray(), v => v > 200);
        Assert.Contains(picture.Row(captionHeight / 2)[((Width + gap) * 3)..].ToArray(), v => v > 200);
    }

    [Fact]
    public void Side_by_side_scales_large_pictures_down()
    {
        var image = Gray(3000, 1500, 90);
        var picture = ImageDecoder.Decode(OverlayRenderer.SideBySidePng(image, [], new OverlayStyle { SideBySideMaxPanelSide = 600 }));
        Assert.InRange(picture.Width, 1200, 1220);
        Assert.InRange(picture.Height, 300, 340);
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
