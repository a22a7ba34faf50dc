using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Ops;

/// <summary>
/// torchvision's <c>Conv2dNormActivation</c>: a Sequential of the convolution ("0"), then its batch norm ("1") when
/// there is one, then ReLU when asked for. The conv has a bias only without a norm (the norm's shift replaces it), and
/// "same" padding. Building blocks this way gives the parameter names torchvision's state dicts use ("….0.weight",
/// "….1.running_var").
/// </summary>
public static class Conv2dNormActivation
{
    public static Sequential Create(long inChannels, long outChannels, long kernelSize, bool batchNorm, bool relu)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("0", nn.Conv2d(inChannels, outChannels, kernelSize, padding: (kernelSize - 1) / 2, bias: !batchNorm)),
        };
        if (batchNorm) layers.Add(("1", nn.BatchNorm2d(outChannels)));
        if (relu) layers.Add((layers.Count.ToString(), nn.ReLU()));
        return nn.Sequential(layers);
    }
}
