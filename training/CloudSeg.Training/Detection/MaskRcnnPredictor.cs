using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// Upsamples the 14×14 mask features to 28×28 with a 2×2 stride-2 deconvolution and predicts one mask logit map per
/// class (He et al. 2017: per-class binary masks decouple mask and class prediction).
/// </summary>
public sealed class MaskRcnnPredictor : nn.Module<Tensor, Tensor>
{
    // Field names are torchvision's (roi_heads.mask_predictor.conv5_mask/mask_fcn_logits).
    readonly ConvTranspose2d conv5_mask;
    readonly Conv2d mask_fcn_logits;

    public MaskRcnnPredictor(long inChannels, long dimReduced, int numClasses) : base(nameof(MaskRcnnPredictor))
    {
        conv5_mask = nn.ConvTranspose2d(inChannels, dimReduced, 2, stride: 2);
        mask_fcn_logits = nn.Conv2d(dimReduced, numClasses, 1);
        RegisterComponents();
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith("weight")) nn.init.kaiming_normal_(parameter, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
            else nn.init.zeros_(parameter);
        }
    }

    public override Tensor forward(Tensor maskFeatures)
    {
        using var upsampled = nn.functional.relu(conv5_mask.call(maskFeatures));
        return mask_fcn_logits.call(upsampled);
    }
}
