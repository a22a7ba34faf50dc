using static TorchSharp.torch;

namespace CloudSeg.Training.Backbone;

/// <summary>
/// Batch norm whose statistics and affine parameters are fixed buffers. Detection trains with 1–2 large images per
/// batch, too few for reliable batch statistics, so a pretrained backbone keeps its ImageNet statistics frozen
/// (torchvision.ops.FrozenBatchNorm2d; same buffer names as BatchNorm2d so state dicts load either way).
/// </summary>
public sealed class FrozenBatchNorm2d : nn.Module<Tensor, Tensor>
{
    readonly double _eps;

    public FrozenBatchNorm2d(long channels, double eps = 1e-5) : base(nameof(FrozenBatchNorm2d))
    {
        _eps = eps;
        register_buffer("weight", ones(channels));
        register_buffer("bias", zeros(channels));
        register_buffer("running_mean", zeros(channels));
        register_buffer("running_var", ones(channels));
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var scale = get_buffer("weight")! * (get_buffer("running_var")! + _eps).rsqrt();
        var shift = get_buffer("bias")! - get_buffer("running_mean")! * scale;
        return (input * scale.view(1, -1, 1, 1) + shift.view(1, -1, 1, 1)).MoveToOuterDisposeScope();
    }
}
