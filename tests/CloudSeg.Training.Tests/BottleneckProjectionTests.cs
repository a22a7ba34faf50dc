using CloudSeg.Training.Backbone;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Tests;

/// <summary>
/// ResNet-50's strided projection shortcut at the widths where libtorch's oneDNN kernel for a strided 1×1 conv's
/// backward pass divides by zero (SIGFPE, the process dies): `cloudseg train --backbone resnet50` died at its first step.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class BottleneckProjectionTests
{
    [Fact]
    public void A_stride_2_bottleneck_from_1024_to_2048_channels_trains_and_projects_like_a_strided_1x1_conv()
    {
        manual_seed(3);
        using var block = new Bottleneck(1024, 512, 2, NormLayer.FrozenBatchNorm);
        using var input = randn(1, 1024, 20, 20).requires_grad_();

        using var output = block.call(input);
        output.sum().backward();   // the layer4 projection of a 320 px R-50 step; crashed the process before the fix

        Assert.Equal([1, 2048, 10, 10], output.shape);
        Assert.True(input.grad!.isfinite().all().item<bool>());
        Assert.True(input.grad!.abs().sum().item<float>() > 0);

        // Same numbers as torchvision's block, whose projection is a 1×1 conv of stride 2.
        var modules = block.named_modules().ToDictionary(m => m.name, m => (nn.Module<Tensor, Tensor>)m.module);
        Tensor Apply(string name, Tensor x) => modules[name].call(x);
        using var _ = no_grad();
        var x = input.detach();
        var residual = Apply("bn3", Apply("conv3", Apply("bn2", Apply("conv2", Apply("bn1", Apply("conv1", x)).relu())).relu()));
        var projection = Apply("downsample.1", nn.functional.conv2d(x, ((Conv2d)modules["downsample.0"]).weight!, strides: [2, 2]));
        using var expected = (residual + projection).relu();
        Assert.True(expected.allclose(block.call(x), rtol: 1e-4, atol: 1e-4));
    }
}
