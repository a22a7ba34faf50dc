using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// MaskIoU head of Mask Scoring R-CNN (Huang et al. 2019): regresses the IoU between a predicted mask and its ground
/// truth, so the final mask confidence can be classification score × predicted MaskIoU instead of the classification
/// score alone. Input: the 14×14 mask features concatenated with the predicted 28×28 mask max-pooled to 14×14;
/// four 3×3 convs (the last with stride 2, to 7×7) and three fully connected layers, the last giving one IoU per
/// class. Names follow the paper's reference implementation (maskiou_fcn1–4, maskiou_fc1–2, maskiou).
/// </summary>
public sealed class MaskIouHead : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Conv2d maskiou_fcn1, maskiou_fcn2, maskiou_fcn3, maskiou_fcn4;
    readonly Linear maskiou_fc1, maskiou_fc2, maskiou;

    public MaskIouHead(long inChannels, long convChannels, long fcChannels, int numClasses, int roiSize = 14)
        : base(nameof(MaskIouHead))
    {
        maskiou_fcn1 = nn.Conv2d(inChannels + 1, convChannels, 3, padding: 1);
        maskiou_fcn2 = nn.Conv2d(convChannels, convChannels, 3, padding: 1);
        maskiou_fcn3 = nn.Conv2d(convChannels, convChannels, 3, padding: 1);
        maskiou_fcn4 = nn.Conv2d(convChannels, convChannels, 3, stride: 2, padding: 1);
        long pooled = (roiSize + 1) / 2;
        maskiou_fc1 = nn.Linear(convChannels * pooled * pooled, fcChannels);
        maskiou_fc2 = nn.Linear(fcChannels, fcChannels);
        maskiou = nn.Linear(fcChannels, numClasses);
        RegisterComponents();

        foreach (var conv in new[] { maskiou_fcn1, maskiou_fcn2, maskiou_fcn3, maskiou_fcn4 })
        {
            nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            nn.init.zeros_(conv.bias!);
        }
        foreach (var fc in new[] { maskiou_fc1, maskiou_fc2 })
        {
            nn.init.kaiming_uniform_(fc.weight!, a: 1);
            nn.init.zeros_(fc.bias!);
        }
        nn.init.normal_(maskiou.weight!, std: 0.01);
        nn.init.zeros_(maskiou.bias!);
    }

    /// <param name="maskFeatures">(R, C, 14, 14) output of the mask head body.</param>
    /// <param name="maskProbabilities">(R, 28, 28) predicted mask (sigmoid) of each RoI's class.</param>
    /// <returns>(R, numClasses) predicted mask IoU per class.</returns>
    public override Tensor forward(Tensor maskFeatures, Tensor maskProbabilities)
    {
        using var scope = NewDisposeScope();
        var pooledMask = nn.functional.max_pool2d(maskProbabilities.unsqueeze(1), 2, stride: 2);
        var x = nn.functional.relu(FirstConv(maskFeatures, pooledMask));
        x = nn.functional.relu(maskiou_fcn2.call(x));
        x = nn.functional.relu(maskiou_fcn3.call(x));
        x = nn.functional.relu(maskiou_fcn4.call(x));
        x = nn.functional.relu(maskiou_fc1.call(x.flatten(1)));
        x = nn.functional.relu(maskiou_fc2.call(x));
        return maskiou.call(x).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// maskiou_fcn1 on the features and the pooled mask concatenated (C + 1 channels), computed as the sum of its
    /// features part and its mask part. libtorch's CPU convolution (oneDNN 3.7.1 in libtorch 2.10) pads a channel
    /// count above 16 that is no multiple of 16 up to its 16-channel blocks, and on x86 hosts we run on (an AMD EPYC
    /// Zen 5 VM) the padding is not zero: the 17-channel convolution came out off by up to 0.5 and sometimes NaN,
    /// which ONNX Runtime and the float64 path did not reproduce. Counts of 16k and below 16 are exact there, and the
    /// split is the same convolution, so it needs no host check; the parameter and the export stay one conv.
    /// </summary>
    Tensor FirstConv(Tensor maskFeatures, Tensor pooledMask)
    {
        long featureChannels = maskFeatures.shape[1];
        var weight = maskiou_fcn1.weight!;
        return nn.functional.conv2d(maskFeatures, weight.narrow(1, 0, featureChannels), maskiou_fcn1.bias, padding: [1, 1])
            + nn.functional.conv2d(pooledMask, weight.narrow(1, featureChannels, 1), padding: [1, 1]);
    }
}
