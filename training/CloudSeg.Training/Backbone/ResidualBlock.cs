using static TorchSharp.torch;

namespace CloudSeg.Training.Backbone;

/// <summary>A ResNet block: y = relu(F(x) + shortcut(x)). Implemented by <see cref="BasicBlock"/> and <see cref="Bottleneck"/>.</summary>
public abstract class ResidualBlock : nn.Module<Tensor, Tensor>
{
    protected ResidualBlock(string name) : base(name) { }

    /// <summary>1×1 projection (+ norm) when the block changes resolution or width; torchvision names it "downsample".</summary>
    protected nn.Module<Tensor, Tensor>? Shortcut { get; private set; }

    protected void RegisterShortcut(long inChannels, long outChannels, long stride, NormLayer norm)
    {
        if (stride == 1 && inChannels == outChannels) return;
        Shortcut = nn.Sequential(
            ("0", nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false)),
            ("1", norm.Create(outChannels)));
        register_module("downsample", Shortcut);
    }

    protected Tensor AddShortcut(Tensor residual, Tensor input)
    {
        using var identity = Shortcut is null ? input.alias() : Shortcut.call(input);
        return nn.functional.relu(residual.add_(identity));
    }
}
