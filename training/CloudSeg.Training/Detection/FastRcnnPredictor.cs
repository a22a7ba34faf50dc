using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>Fast R-CNN's outputs: class logits (incl. background) and class-specific box deltas, 4 per class.</summary>
public sealed class FastRcnnPredictor : nn.Module<Tensor, (Tensor ClassLogits, Tensor BoxRegression)>
{
    // Field names are torchvision's (roi_heads.box_predictor.cls_score/bbox_pred).
    readonly Linear cls_score, bbox_pred;

    public FastRcnnPredictor(long inChannels, int numClasses) : base(nameof(FastRcnnPredictor))
    {
        cls_score = nn.Linear(inChannels, numClasses);
        bbox_pred = nn.Linear(inChannels, numClasses * 4);
        RegisterComponents();
    }

    public override (Tensor ClassLogits, Tensor BoxRegression) forward(Tensor features) =>
        (cls_score.call(features), bbox_pred.call(features));
}
