using CloudSeg.Core.Masks;

namespace CloudSeg.Core.Tests.Masks;

public class RleResampleTests
{
    [Fact]
    public void Resampling_takes_the_pixel_under_each_centre_and_keeps_the_same_size_unchanged()
    {
        // 8×12 mask with a 4×6 block at rows 2–5, columns 3–8.
        var full = Block(x: 3, y: 2, width: 6, height: 4, maskHeight: 8, maskWidth: 12);

        var half = full.Resample(4, 6);

        Assert.Equal((4, 6), (half.Height, half.Width));
        var expected = new byte[4 * 6];
        // Output pixel (x, y) samples source (2x + 1, 2y + 1): rows 1–2 and columns 1–3 fall inside the block.
        for (var y = 1; y <= 2; y++)
        for (var x = 1; x <= 3; x++)
            expected[y * 6 + x] = 1;
        Assert.Equal(expected, half.Decode());
        Assert.Same(full, full.Resample(8, 12));
    }

    [Fact]
    public void Enlarging_and_shrinking_back_gives_the_original()
    {
        var mask = Block(x: 1, y: 1, width: 3, height: 2, maskHeight: 5, maskWidth: 7);
        Assert.Equal(mask, mask.Resample(15, 21).Resample(5, 7));
        Assert.Equal(mask.Area * 9, mask.Resample(15, 21).Area);
    }

    private static RleMask Block(int x, int y, int width, int height, int maskHeight, int maskWidth)
    {
        var bytes = new byte[maskHeight * maskWidth];
        for (var r = y; r < y + height; r++)
        for (var c = x; c < x + width; c++)
            bytes[r * maskWidth + c] = 1;
        return RleMask.Encode(bytes, maskHeight, maskWidth);
    }
}
