using CloudSeg.Training.Ops;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// Mask R-CNN's mask head body: four 3×3 conv + ReLU layers on the 14×14 RoI features (He et al. 2017, fig. 4 right).
/// Named like torchvision 0.14 (mask_head.0.0 … mask_head.3.0, each a Conv2dNormActivation: without norm in
/// maskrcnn_resnet50_fpn, with batch norm, mask_head.{i}.1, in maskrcnn_resnet50_fpn_v2).
/// </summary>
public sealed class MaskRcnnHeads : nn.Module<Tensor, Tensor>
{
    readonly List<nn.Module<Tensor, Tensor>> _layers = new();

    public MaskRcnnHeads(long inChannels, IReadOnlyList<long> layerChannels, bool batchNorm = false) : base(nameof(MaskRcnnHeads))
    {
        long previous = inChannels;
        for (int i = 0; i < layerChannels.Count; i++)
        {
            var block = Conv2dNormActivation.Create(previous, layerChannels[i], 3, batchNorm, relu: true);
            // Registered directly under their index, so parameter names are "0.0.weight" as in torchvision.
            register_module(i.ToString(), block);
            _layers.Add(block);
            previous = layerChannels[i];
        }
        OutChannels = previous;
        foreach (var module in modules())
            if (module is Conv2d conv)
            {
                nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                if (conv.bias is not null) nn.init.zeros_(conv.bias);
            }
    }

    public long OutChannels { get; }

    public override Tensor forward(Tensor roiFeatures)
    {
        using var scope = NewDisposeScope();
        var x = roiFeatures;
        foreach (var layer in _layers) x = layer.call(x);
        return x.MoveToOuterDisposeScope();
    }
}
