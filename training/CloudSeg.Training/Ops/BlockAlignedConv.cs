using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Ops;

/// <summary>
/// A convolution whose output channels are zero-padded to a multiple of 16 and cut back, so its backward pass is
/// right. libtorch's CPU convolution (oneDNN 3.7.1 in libtorch 2.10) computes the gradient with respect to the input
/// wrongly when the kernel is larger than 1×1 (3×3 here), the output channel count is no multiple of 16 and the map is
/// larger than 1×1: on the AMD EPYC Zen 5 hosts we run on it came out off by up to 20 or NaN for 1, 3, 4, 8, 9, 12, 15,
/// 17, 24 and 33 channels, exact for 16, 32 and 48, exact for 1×1 kernels (so Mask R-CNN's 1×1 RPN and mask logits
/// convs are fine), and exact everywhere with ONEDNN_MAX_CPU_ISA=AVX2 (an AVX-512 kernel bug, the same family as the
/// one MaskIouHead works around). The forward pass and the weight gradient are right, and the padded rows are zeros, so
/// the result is the same convolution: no host check is needed and the parameter (and its export) stays one conv.
/// </summary>
public static class BlockAlignedConv
{
    const long Block = 16;

    public static Tensor Forward(Conv2d conv, Tensor input)
    {
        var weight = conv.weight!;
        long channels = weight.shape[0];
        long missing = (Block - channels % Block) % Block;
        if (missing == 0 || weight.shape[2] * weight.shape[3] == 1) return conv.call(input);
        using var scope = NewDisposeScope();
        var paddedWeight = nn.functional.pad(weight, [0, 0, 0, 0, 0, 0, 0, missing]);
        var paddedBias = conv.bias is { } bias ? nn.functional.pad(bias, [0, missing]) : null;
        var output = nn.functional.conv2d(input, paddedWeight, paddedBias, strides: conv.stride, padding: conv.padding,
            dilation: conv.dilation, groups: conv.groups);
        return output.narrow(1, 0, channels).MoveToOuterDisposeScope();
    }
}
