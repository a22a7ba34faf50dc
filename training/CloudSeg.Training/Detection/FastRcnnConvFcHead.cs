using CloudSeg.Training.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// The box head of maskrcnn_resnet50_fpn_v2 ("4conv1fc", Wu et al. 2019; Li et al. 2021): 3×3 conv + batch norm + ReLU
/// layers on the 7×7 RoI features, then flatten and fully connected + ReLU layers. Named like torchvision's
/// FastRCNNConvFCHead, a Sequential: box_head.0 … box_head.{n-1} the convs, box_head.{n} the flatten,
/// box_head.{n+1} the first FC (box_head.{n+3} the next).
/// </summary>
public sealed class FastRcnnConvFcHead : nn.Module<Tensor, Tensor>
{
    readonly List<nn.Module<Tensor, Tensor>> _convs = [];
    readonly List<Linear> _fcs = [];

    public FastRcnnConvFcHead(long inChannels, long roiSize, IReadOnlyList<long> convChannels, IReadOnlyList<long> fcChannels, bool batchNorm)
        : base(nameof(FastRcnnConvFcHead))
    {
        int index = 0;
        long previous = inChannels;
        foreach (var channels in convChannels)
        {
            var block = Conv2dNormActivation.Create(previous, channels, 3, batchNorm, relu: true);
            register_module((index++).ToString(), block);
            _convs.Add(block);
            previous = channels;
        }
        index++;   // the Flatten, which has no parameters
        previous *= roiSize * roiSize;
        foreach (var channels in fcChannels)
        {
            var fc = nn.Linear(previous, channels);
            register_module(index.ToString(), fc);
            index += 2;   // each FC is followed by its ReLU
            _fcs.Add(fc);
            previous = channels;
        }
        foreach (var module in modules())
            if (module is Conv2d conv)
            {
                nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                if (conv.bias is not null) nn.init.zeros_(conv.bias);
            }
    }

    public override Tensor forward(Tensor roiFeatures)
    {
        using var scope = NewDisposeScope();
        var x = roiFeatures;
        foreach (var conv in _convs) x = conv.call(x);
        x = x.flatten(1);
        foreach (var fc in _fcs) x = nn.functional.relu(fc.call(x));
        return x.MoveToOuterDisposeScope();
    }
}
