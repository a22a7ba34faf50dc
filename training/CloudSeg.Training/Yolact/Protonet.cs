using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Yolact;

/// <summary>
/// YOLACT's protonet (sec. 3.2): an FCN on P3 — three 3×3 convs, ×2 bilinear upsampling, one more 3×3 conv, then a 1×1
/// conv to k prototype masks, each followed by ReLU (the last one too, so prototypes are unbounded above but ≥ 0).
/// Output: (B, k, H/4, W/4) for a (B, 3, H, W) input.
/// </summary>
public sealed class Protonet : nn.Module<Tensor, Tensor>
{
    readonly Sequential before_upsample, after_upsample;
    readonly Conv2d prototype_layer;

    public Protonet(long inChannels, long channels, long prototypes) : base(nameof(Protonet))
    {
        before_upsample = nn.Sequential(
            nn.Conv2d(inChannels, channels, 3, padding: 1), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding: 1), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding: 1), nn.ReLU());
        after_upsample = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding: 1), nn.ReLU());
        prototype_layer = nn.Conv2d(channels, prototypes, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor p3)
    {
        using var hidden = before_upsample.call(p3);
        using var upsampled = nn.functional.interpolate(hidden, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bilinear, align_corners: false);
        using var hidden2 = after_upsample.call(upsampled);
        using var prototypes = prototype_layer.call(hidden2);
        return nn.functional.relu(prototypes);
    }
}
