using CloudSeg.Training.Detection;
using TorchSharp;
using static TorchSharp.torch;
using static CloudSeg.Training.Tests.ExportTestSupport;

namespace CloudSeg.Training.Tests;

/// <summary>
/// The MaskIoU head's first convolution takes the mask features plus the pooled mask: C + 1 channels, a count libtorch's
/// CPU convolution got wrong (off by up to 0.5, sometimes NaN) on an AMD EPYC Zen 5 host. The float64 path takes
/// another convolution implementation, so it is the reference.
/// </summary>
[Collection(TorchSharpRandomCollection.Name)]
public sealed class MaskIouHeadTests
{
    [Theory]
    [InlineData(16)]    // 17 input channels: the small models
    [InlineData(256)]   // 257: R50-FPN
    public void Float32_forward_matches_float64(int featureChannels)
    {
        manual_seed(8);
        using var head = new MaskIouHead(featureChannels, 16, 32, numClasses: 4);
        head.eval();
        using (no_grad())
        {
            // Weights on the scale of their fan-in (the training init ends in std 0.01, which would hide any error).
            foreach (var (_, parameter) in head.named_parameters())
                parameter.normal_(0, parameter.dim() > 1 ? 1.0 / Math.Sqrt(parameter[0].numel()) : 0.1);
        }
        using var features = randn(8, featureChannels, 14, 14).relu();
        using var masks = rand(8, 28, 28);

        using var actual = head.call(features, masks);
        head.to(ScalarType.Float64);
        using var expected = head.call(features.to_type(ScalarType.Float64), masks.to_type(ScalarType.Float64));

        var difference = MaxAbsDifference(expected, actual);
        Assert.True(difference < 1e-4f, $"float32 differs from float64 by {difference}");
    }
}
