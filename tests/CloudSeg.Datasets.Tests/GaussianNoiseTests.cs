using CloudSeg.Core.Imaging;
using CloudSeg.Datasets.Augmentation;

namespace CloudSeg.Datasets.Tests;

public sealed class GaussianNoiseTests
{
    [Fact]
    public void Noise_has_the_asked_spread_around_the_picture_and_repeats_with_its_seed()
    {
        var grey = new RgbImage(64, 64, Enumerable.Repeat((byte)128, 64 * 64 * 3).ToArray());

        var noisy = new GaussianNoise(Sigma: 10, Seed: 3).Apply(grey);

        var values = noisy.Pixels.Select(v => (double)v).ToArray();
        var mean = values.Average();
        var deviation = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, 127.5, 128.5);
        Assert.InRange(deviation, 9.5, 10.5);
        Assert.Equal(noisy.Pixels, new GaussianNoise(10, 3).Apply(grey).Pixels);
        Assert.NotEqual(noisy.Pixels, new GaussianNoise(10, 4).Apply(grey).Pixels);
        Assert.Equal(grey.Pixels, new GaussianNoise(0, 3).Apply(grey).Pixels);
    }

    [Fact]
    public void Noise_is_drawn_for_about_half_the_pictures_up_to_the_cap()
    {
        var options = new AugmentationOptions { NoiseSigma = 8 };

        var plans = Enumerable.Range(0, 200).Select(i => AugmentationPlan.Sample(options, new Random(i))).ToList();

        Assert.InRange(plans.Count(p => p.Noise is not null), 70, 130);
        Assert.All(plans.Where(p => p.Noise is not null), p => Assert.InRange(p.Noise!.Value.Sigma, 0, 8));
        Assert.All(plans, p => Assert.Null(AugmentationPlan.Sample(new AugmentationOptions(), new Random(1)).Noise));
    }
}
