using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Yolact;

/// <summary>
/// YOLACT++'s fast mask re-scoring network (Bolya et al. 2020, sec. 4.2): predicts, per class, the IoU of an
/// instance's predicted mask with its ground truth from that mask alone — the assembled σ(P·c) at prototype
/// resolution, cropped to the box — so the final score can be class confidence × predicted IoU. Six convs with ReLU:
/// five 3×3 of stride 2 (8, 16, 32, 64, 128 channels) and a 1×1 to one map per class, then a global max pool.
/// </summary>
public sealed class FastMaskIoUNet : nn.Module<Tensor, Tensor>
{
    static readonly int[] Widths = [8, 16, 32, 64, 128];
    readonly Sequential maskiou_net;

    /// <param name="numClasses">Foreground classes (background excluded).</param>
    public FastMaskIoUNet(int numClasses) : base(nameof(FastMaskIoUNet))
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        long inChannels = 1;
        foreach (var width in Widths)
        {
            layers.Add(($"{layers.Count}", nn.Conv2d(inChannels, width, 3, stride: 2, padding: 1)));
            layers.Add(($"{layers.Count}", nn.ReLU()));
            inChannels = width;
        }
        layers.Add(($"{layers.Count}", nn.Conv2d(inChannels, numClasses, 1)));
        layers.Add(($"{layers.Count}", nn.ReLU()));
        maskiou_net = nn.Sequential(layers);
        RegisterComponents();
    }

    /// <param name="masks">(n, h, w) cropped mask probabilities.</param>
    /// <returns>(n, classes) predicted mask IoU per class.</returns>
    public override Tensor forward(Tensor masks)
    {
        var maps = maskiou_net.call(masks.unsqueeze(1));
        return maps.amax([2, 3]);
    }

    /// <summary>IoU of each binarised predicted mask (&gt; 0.5) with its ground truth, both (n, h, w): the regression target.</summary>
    public static Tensor Targets(Tensor masks, Tensor groundTruth)
    {
        var predicted = masks.gt(0.5).to_type(float32);
        var intersection = (predicted * groundTruth).sum([1, 2]);
        var union = predicted.sum([1, 2]) + groundTruth.sum([1, 2]) - intersection;
        return intersection / union.clamp(min: 1);
    }
}
