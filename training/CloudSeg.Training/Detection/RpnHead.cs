using CloudSeg.Training.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// The RPN's small network slid over every pyramid level (weights shared across levels): a 3×3 conv + ReLU (two of
/// them in maskrcnn_resnet50_fpn_v2, torchvision's conv_depth), then 1×1 convs giving one objectness logit and four
/// box deltas per anchor (Faster R-CNN, sec. 3.1).
/// </summary>
public sealed class RpnHead : nn.Module<Tensor[], (Tensor[] Objectness, Tensor[] BoxDeltas)>
{
    // Field names are torchvision's (rpn.head.conv.0.0 … conv.{depth-1}.0, rpn.head.cls_logits, rpn.head.bbox_pred).
    readonly Sequential conv;
    readonly Conv2d cls_logits, bbox_pred;

    public RpnHead(long inChannels, int anchorsPerLocation, int convDepth = 1) : base(nameof(RpnHead))
    {
        conv = nn.Sequential(Enumerable.Range(0, convDepth).Select(i => (i.ToString(),
            (nn.Module<Tensor, Tensor>)Conv2dNormActivation.Create(inChannels, inChannels, 3, batchNorm: false, relu: true))).ToList());
        cls_logits = nn.Conv2d(inChannels, anchorsPerLocation, 1);
        bbox_pred = nn.Conv2d(inChannels, anchorsPerLocation * 4, 1);
        RegisterComponents();
        foreach (var module in modules())
            if (module is Conv2d layer)
            {
                nn.init.normal_(layer.weight!, std: 0.01);
                nn.init.zeros_(layer.bias!);
            }
    }

    public override (Tensor[] Objectness, Tensor[] BoxDeltas) forward(Tensor[] features)
    {
        var objectness = new Tensor[features.Length];
        var deltas = new Tensor[features.Length];
        for (int level = 0; level < features.Length; level++)
        {
            using var hidden = conv.call(features[level]);
            objectness[level] = cls_logits.call(hidden);
            deltas[level] = bbox_pred.call(hidden);
        }
        return (objectness, deltas);
    }
}
