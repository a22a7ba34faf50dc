using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>The box head of FPN-based Fast R-CNN: two fully connected layers with ReLU on the flattened 7×7 RoI features.</summary>
public sealed class TwoMlpHead : nn.Module<Tensor, Tensor>
{
    // Field names are torchvision's (roi_heads.box_head.fc6/fc7).
    readonly Linear fc6, fc7;

    public TwoMlpHead(long inChannels, long representationSize) : base(nameof(TwoMlpHead))
    {
        fc6 = nn.Linear(inChannels, representationSize);
        fc7 = nn.Linear(representationSize, representationSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor roiFeatures)
    {
        using var hidden = nn.functional.relu(fc6.call(roiFeatures.flatten(1)));
        return nn.functional.relu(fc7.call(hidden));
    }
}
