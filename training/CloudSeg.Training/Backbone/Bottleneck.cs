using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Backbone;

/// <summary>
/// ResNet-50/101 block: 1×1 reduce, 3×3, 1×1 expand ×4 (He et al. 2016, fig. 5 right), stride on the 3×3 conv as in
/// torchvision ("ResNet v1.5").
/// </summary>
public sealed class Bottleneck : ResidualBlock
{
    public const int Expansion = 4;

    // Field names are torchvision's parameter names.
    readonly Conv2d conv1, conv2, conv3;
    readonly nn.Module<Tensor, Tensor> bn1, bn2, bn3;

    public Bottleneck(long inChannels, long planes, long stride, NormLayer norm) : base(nameof(Bottleneck))
    {
        conv1 = nn.Conv2d(inChannels, planes, 1, bias: false);
        bn1 = norm.Create(planes);
        conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
        bn2 = norm.Create(planes);
        conv3 = nn.Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = norm.Create(planes * Expansion);
        RegisterComponents();
        RegisterShortcut(inChannels, planes * Expansion, stride, norm);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(bn1.call(conv1.call(input)));
        x = nn.functional.relu(bn2.call(conv2.call(x)));
        x = bn3.call(conv3.call(x));
        return AddShortcut(x, input).MoveToOuterDisposeScope();
    }
}
