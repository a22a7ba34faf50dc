using static TorchSharp.torch;

namespace CloudSeg.Training.Backbone;

/// <summary>
/// Which normalisation the ResNet uses. Frozen statistics suit fine-tuning pretrained weights; from scratch (there
/// are no downloadable weights here) the statistics must be learned, so torchvision switches to BatchNorm2d then.
/// </summary>
public enum NormLayer
{
    FrozenBatchNorm,
    BatchNorm,
}

static class NormLayerFactory
{
    public static nn.Module<Tensor, Tensor> Create(this NormLayer kind, long channels) => kind switch
    {
        NormLayer.FrozenBatchNorm => new FrozenBatchNorm2d(channels),
        _ => nn.BatchNorm2d(channels),
    };
}
