using CloudSeg.Core.Imaging;
using CloudSeg.Datasets.Augmentation;

namespace CloudSeg.Datasets.Tests;

public sealed class PhotometricDistortionTests
{
    [Fact]
    public void Brightness_adds_and_clamps()
    {
        var result = new PhotometricDistortion(32, null, null, null, ContrastFirst: true).Apply(Pixels([10, 20, 30], [240, 250, 100]));

        Assert.Equal([42, 52, 62, 255, 255, 132], result.Pixels);
    }

    [Fact]
    public void Contrast_scales_every_channel()
    {
        var result = new PhotometricDistortion(null, 0.5, null, null, ContrastFirst: false).Apply(Pixels([200, 100, 50]));

        Assert.Equal([100, 50, 25], result.Pixels);
    }

    [Fact]
    public void Hue_turns_colours_round_the_wheel_and_leaves_greys()
    {
        var result = new PhotometricDistortion(null, null, null, 120, ContrastFirst: true).Apply(Pixels([255, 0, 0], [0, 0, 200], [90, 90, 90]));

        Assert.Equal([0, 255, 0, 200, 0, 0, 90, 90, 90], result.Pixels);
    }

    [Fact]
    public void Saturation_zero_makes_grey_of_the_same_value_and_two_stays_within_range()
    {
        var grey = new PhotometricDistortion(null, null, 0.0, null, ContrastFirst: true).Apply(Pixels([200, 100, 50]));
        var vivid = new PhotometricDistortion(null, null, 2.0, null, ContrastFirst: true).Apply(Pixels([200, 150, 100]));

        Assert.Equal([200, 200, 200], grey.Pixels);
        // Saturation 0.5 → 1.0: the darkest channel goes to 0, the brightest (the value) stays.
        Assert.Equal([200, 100, 0], vivid.Pixels);
    }

    [Fact]
    public void Nothing_drawn_changes_nothing_and_sampling_is_reproducible()
    {
        var picture = Pixels([12, 34, 56], [200, 10, 99]);

        Assert.Equal(picture.Pixels, new PhotometricDistortion(null, null, null, null, true).Apply(picture).Pixels);
        var first = Enumerable.Range(0, 40).Select(i => PhotometricDistortion.Sample(new Random(i))).ToList();
        Assert.Equal(first, Enumerable.Range(0, 40).Select(i => PhotometricDistortion.Sample(new Random(i))).ToList());
        Assert.Contains(first, d => d.BrightnessDelta is null);
        Assert.All(first, d => Assert.InRange(d.HueDegrees ?? 0, -18, 18));
        Assert.All(first, d => Assert.InRange(d.Contrast ?? 1, 0.5, 1.5));
    }

    static RgbImage Pixels(params byte[][] rgb) => new(rgb.Length, 1, rgb.SelectMany(p => p).ToArray());
}
