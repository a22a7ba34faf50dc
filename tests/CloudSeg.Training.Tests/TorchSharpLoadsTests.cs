using TorchSharp;
using static TorchSharp.torch;

namespace CloudSeg.Training.Tests;

/// <summary>
/// Proves the native TorchSharp library loads on this libstdc++ (the build marks GLIBCXX_3.4.32 weak) and computes.
/// </summary>
public sealed class TorchSharpLoadsTests
{
    [Fact]
    public void Convolution_of_ones_sums_the_kernel_window()
    {
        using var input = ones(1, 1, 4, 4);
        using var weight = ones(1, 1, 3, 3);
        using var output = nn.functional.conv2d(input, weight, padding: new long[] { 1, 1 });

        Assert.Equal(new long[] { 1, 1, 4, 4 }, output.shape);
        Assert.Equal(4f, output[0, 0, 0, 0].item<float>());   // corner: 2×2 window inside the image
        Assert.Equal(9f, output[0, 0, 1, 1].item<float>());   // interior: full 3×3 window
    }
}
