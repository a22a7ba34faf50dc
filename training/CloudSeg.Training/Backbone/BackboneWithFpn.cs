using static TorchSharp.torch;

namespace CloudSeg.Training.Backbone;

/// <summary>ResNet trunk ("body") + FPN ("fpn"): images in, P2–P6 out, all with <see cref="OutChannels"/> channels.
/// With <c>firstLevel: 3</c> the FPN starts at C3 (YOLACT's P3–P5, plus the subsampled P6 it ignores); with
/// <c>stages: 3</c> the body ends at C4 and P5, P6 are subsampled from P4.</summary>
public sealed class BackboneWithFpn : nn.Module<Tensor, Tensor[]>
{
    readonly ResNet body;
    readonly FeaturePyramidNetwork fpn;

    readonly int _skippedStages;

    public BackboneWithFpn(ResNetDepth depth, NormLayer norm, int baseWidth, long fpnChannels, int trainableLayers, int firstLevel = 2,
        bool fpnBatchNorm = false, int stages = 4)
        : base(nameof(BackboneWithFpn))
    {
        body = new ResNet(depth, norm, baseWidth, stages);
        body.FreezeLayers(trainableLayers);
        _skippedStages = firstLevel - 2;
        // The pyramid always reaches P6: the levels above the last stage are subsampled.
        fpn = new FeaturePyramidNetwork(body.StageChannels.Skip(_skippedStages).ToArray(), fpnChannels, fpnBatchNorm, pooledLevels: 5 - stages);
        RegisterComponents();
    }

    public long OutChannels => fpn.OutChannels;

    /// <summary>Strides of P2–P6.</summary>
    public static IReadOnlyList<int> Strides { get; } = new[] { 4, 8, 16, 32, 64 };

    public override Tensor[] forward(Tensor images)
    {
        var stages = body.call(images);
        try { return fpn.call(stages[_skippedStages..]); }
        finally { foreach (var stage in stages) stage.Dispose(); }
    }
}
