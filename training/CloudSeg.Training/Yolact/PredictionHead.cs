using CloudSeg.Training.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Yolact;

/// <summary>
/// YOLACT's prediction head (sec. 3.3), one set of weights shared by P3–P7: a 3×3 conv + ReLU, then sibling 3×3 convs
/// giving per prior 4 box offsets, C+1 class logits and k mask coefficients (tanh, so prototypes can be subtracted).
/// The sibling convs run through <see cref="BlockAlignedConv"/> (4a and a·(C+1) are rarely multiples of 16).
/// Outputs are flattened to (B, priors, ·) in the prior generator's order: level, row, column, aspect ratio.
/// </summary>
public sealed class PredictionHead : nn.Module<Tensor[], (Tensor Boxes, Tensor Classes, Tensor Coefficients)>
{
    readonly Sequential upfeature;
    readonly Conv2d bbox_layer, conf_layer, mask_layer;
    readonly long _anchors, _classes, _prototypes;

    public PredictionHead(long inChannels, long channels, int anchorsPerLocation, int numClasses, int prototypes) : base(nameof(PredictionHead))
    {
        (_anchors, _classes, _prototypes) = (anchorsPerLocation, numClasses, prototypes);
        upfeature = nn.Sequential(nn.Conv2d(inChannels, channels, 3, padding: 1), nn.ReLU());
        bbox_layer = nn.Conv2d(channels, anchorsPerLocation * 4, 3, padding: 1);
        conf_layer = nn.Conv2d(channels, anchorsPerLocation * numClasses, 3, padding: 1);
        mask_layer = nn.Conv2d(channels, anchorsPerLocation * prototypes, 3, padding: 1);
        RegisterComponents();
    }

    public override (Tensor Boxes, Tensor Classes, Tensor Coefficients) forward(Tensor[] levels)
    {
        using var scope = NewDisposeScope();
        var boxes = new List<Tensor>();
        var classes = new List<Tensor>();
        var coefficients = new List<Tensor>();
        foreach (var level in levels)
        {
            var x = upfeature.call(level);
            boxes.Add(PerPrior(BlockAlignedConv.Forward(bbox_layer, x), 4));
            classes.Add(PerPrior(BlockAlignedConv.Forward(conf_layer, x), _classes));
            coefficients.Add(tanh(PerPrior(BlockAlignedConv.Forward(mask_layer, x), _prototypes)));
        }
        return (cat(boxes, 1).MoveToOuterDisposeScope(), cat(classes, 1).MoveToOuterDisposeScope(), cat(coefficients, 1).MoveToOuterDisposeScope());
    }

    /// <summary>(B, a·n, H, W) → (B, H·W·a, n).</summary>
    Tensor PerPrior(Tensor map, long n) => map.permute(0, 2, 3, 1).reshape(map.shape[0], -1, n);

    public long AnchorsPerLocation => _anchors;
}
