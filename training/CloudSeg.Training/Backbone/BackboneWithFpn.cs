using static TorchSharp.torch;

namespace CloudSeg.Training.Backbone;

/// <summary>ResNet trunk ("body") + FPN ("fpn"): images in, P2–P6 out, all with <see cref="OutChannels"/> channels.</summary>
public sealed class BackboneWithFpn : nn.Module<Tensor, Tensor[]>
{
    readonly ResNet body;
    readonly FeaturePyramidNetwork fpn;

    public BackboneWithFpn(ResNetDepth depth, NormLayer norm, int baseWidth, long fpnChannels, int trainableLayers)
        : base(nameof(BackboneWithFpn))
    {
        body = new ResNet(depth, norm, baseWidth);
        body.FreezeLayers(trainableLayers);
        fpn = new FeaturePyramidNetwork(body.StageChannels, fpnChannels);
        RegisterComponents();
    }

    public long OutChannels => fpn.OutChannels;

    /// <summary>Strides of P2–P6.</summary>
    public static IReadOnlyList<int> Strides { get; } = new[] { 4, 8, 16, 32, 64 };

    public override Tensor[] forward(Tensor images)
    {
        var stages = body.call(images);
        try { return fpn.call(stages); }
        finally { foreach (var stage in stages) stage.Dispose(); }
    }
}
