using CloudSeg.Training.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Backbone;

/// <summary>
/// Feature Pyramid Network (Lin et al. 2017): 1×1 lateral convs ("inner_blocks") bring C2–C5 to a common width, a
/// top-down pathway adds each coarser map (nearest-neighbour upsampled) to the next finer lateral, and 3×3 convs
/// ("layer_blocks") smooth the sums into P2–P5. P6 ("pool") is a stride-2 subsampling of P5 for the RPN's largest
/// anchors. With <paramref name="pooledLevels"/> 2 over C2–C4, P5 and P6 are both subsamplings of P4 (no parameters).
/// Each conv is a torchvision Conv2dNormActivation (names ".0." and, with batch norm as in maskrcnn_resnet50_fpn_v2, ".1.").
/// </summary>
public sealed class FeaturePyramidNetwork : nn.Module<Tensor[], Tensor[]>
{
    readonly ModuleList<Sequential> inner_blocks, layer_blocks;
    readonly int _pooledLevels;

    public FeaturePyramidNetwork(IReadOnlyList<long> inChannels, long outChannels, bool batchNorm = false, int pooledLevels = 1)
        : base(nameof(FeaturePyramidNetwork))
    {
        _pooledLevels = pooledLevels;
        inner_blocks = nn.ModuleList(inChannels.Select(c =>
            Conv2dNormActivation.Create(c, outChannels, 1, batchNorm, relu: false)).ToArray());
        layer_blocks = nn.ModuleList(inChannels.Select(_ =>
            Conv2dNormActivation.Create(outChannels, outChannels, 3, batchNorm, relu: false)).ToArray());
        OutChannels = outChannels;
        RegisterComponents();
        foreach (var module in modules())
            if (module is Conv2d conv)
            {
                nn.init.kaiming_uniform_(conv.weight!, a: 1);
                if (conv.bias is not null) nn.init.zeros_(conv.bias);
            }
    }

    public long OutChannels { get; }

    /// <summary>C2–C5 in, P2–P6 out (P6 = "pool"); C2–C4 in with 2 pooled levels, P2–P6 out.</summary>
    public override Tensor[] forward(Tensor[] features)
    {
        using var scope = NewDisposeScope();
        int last = features.Length - 1;
        var topDown = inner_blocks[last].call(features[last]);
        var results = new Tensor[features.Length + _pooledLevels];
        results[last] = layer_blocks[last].call(topDown);
        for (int level = last - 1; level >= 0; level--)
        {
            var lateral = inner_blocks[level].call(features[level]);
            var upsampled = nn.functional.interpolate(topDown, size: new[] { lateral.shape[2], lateral.shape[3] },
                mode: InterpolationMode.Nearest);
            topDown = lateral + upsampled;
            results[level] = layer_blocks[level].call(topDown);
        }
        // LastLevelMaxPool: a 1×1 max-pool with stride 2 is plain subsampling.
        for (int level = last + 1; level < results.Length; level++)
            results[level] = nn.functional.max_pool2d(results[level - 1], 1, stride: 2, padding: 0);
        foreach (var result in results) result.MoveToOuterDisposeScope();
        return results;
    }
}
