using static TorchSharp.torch;

namespace CloudSeg.Training.Backbone;

/// <summary>A ResNet block: y = relu(F(x) + shortcut(x)). Implemented by <see cref="BasicBlock"/> and <see cref="Bottleneck"/>.</summary>
public abstract class ResidualBlock : nn.Module<Tensor, Tensor>
{
    long _shortcutStride = 1;

    protected ResidualBlock(string name) : base(name) { }

    /// <summary>1×1 projection (+ norm) when the block changes resolution or width; torchvision names it "downsample".</summary>
    protected nn.Module<Tensor, Tensor>? Shortcut { get; private set; }

    /// <summary>
    /// The projection is torchvision's strided 1×1 conv, computed as a 1×1 conv on every stride-th pixel: the same
    /// numbers and the same weights, but oneDNN 3.7 (libtorch 2.10, TorchSharp 0.107) divides by zero while choosing
    /// the blocking of a strided 1×1 conv's backward-data pass when its spatial block is smaller than its register
    /// block (brgemm_convolution_bwd_utils::est_eff_1x1); ResNet-50/101's 512→1024 and 1024→2048 projections hit it and
    /// training died with SIGFPE at its first backward. A stride-1 1×1 conv's backward takes another path.
    /// </summary>
    protected void RegisterShortcut(long inChannels, long outChannels, long stride, NormLayer norm)
    {
        if (stride == 1 && inChannels == outChannels) return;
        _shortcutStride = stride;
        Shortcut = nn.Sequential(
            ("0", nn.Conv2d(inChannels, outChannels, 1, bias: false)),
            ("1", norm.Create(outChannels)));
        register_module("downsample", Shortcut);
    }

    protected Tensor AddShortcut(Tensor residual, Tensor input)
    {
        using var identity = Shortcut is null ? input.alias() : Project(Shortcut, input);
        return nn.functional.relu(residual.add_(identity));
    }

    Tensor Project(nn.Module<Tensor, Tensor> shortcut, Tensor input)
    {
        if (_shortcutStride == 1) return shortcut.call(input);
        using var subsampled = input[TensorIndex.Ellipsis, TensorIndex.Slice(step: _shortcutStride), TensorIndex.Slice(step: _shortcutStride)];
        return shortcut.call(subsampled);
    }
}
