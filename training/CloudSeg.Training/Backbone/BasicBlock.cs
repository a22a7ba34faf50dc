using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Backbone;

/// <summary>ResNet-18/34 block: two 3×3 convolutions (He et al. 2016, fig. 5 left).</summary>
public sealed class BasicBlock : ResidualBlock
{
    public const int Expansion = 1;

    // Field names are torchvision's parameter names.
    readonly Conv2d conv1, conv2;
    readonly nn.Module<Tensor, Tensor> bn1, bn2;
    readonly ResNetLayout? layout;
    readonly long stride;

    public BasicBlock(long inChannels, long planes, long stride, NormLayer norm, ResNetLayout? layout = null) : base(nameof(BasicBlock))
    {
        this.layout = layout;
        this.stride = stride;
        conv1 = nn.Conv2d(inChannels, planes, 3, stride: stride, padding: layout?.ModulePadding(3, stride) ?? 1, bias: false);
        bn1 = norm.Create(planes);
        conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false);
        bn2 = norm.Create(planes);
        RegisterComponents();
        RegisterShortcut(inChannels, planes * Expansion, stride, norm);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(bn1.call(conv1.call(layout is null ? input : layout.PadInput(input, 3, stride))));
        x = bn2.call(conv2.call(x));
        return AddShortcut(x, input).MoveToOuterDisposeScope();
    }
}
