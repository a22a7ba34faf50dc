using TorchSharp;
using static TorchSharp.torch;

namespace CloudSeg.Training.Export;

/// <summary>
/// Named weights (a torchvision-layout state dict) turned into graph initializers, each emitted once.
/// Frozen batch norm is folded into the convolution before it: conv(x, W)·s + (b − μ·s) = conv(x, W·s) + (b − μ·s),
/// s = γ / √(σ² + ε), so the graph has no BatchNormalization nodes.
/// </summary>
public sealed class StateDictWeights(IReadOnlyDictionary<string, Tensor> stateDict, OnnxGraphBuilder graph, float batchNormEpsilon)
{
    private readonly Dictionary<string, string> _emitted = new(StringComparer.Ordinal);

    public bool Has(string name) => stateDict.ContainsKey(name);

    public Tensor this[string name] => stateDict.TryGetValue(name, out var tensor)
        ? tensor
        : throw new KeyNotFoundException($"The model's state dict has no '{name}'.");

    /// <summary>
    /// torchvision ≥ 0.13 wraps some convolutions in Conv2dNormActivation (a Sequential: the conv is child "0");
    /// this resolves "<paramref name="prefix"/>.0.weight" or "<paramref name="prefix"/>.weight", whichever exists.
    /// </summary>
    public string ConvPrefix(string prefix) => Has($"{prefix}.0.weight") ? $"{prefix}.0" : prefix;

    /// <summary>The parameter as an initializer (emitted once, named after the parameter).</summary>
    public string Initializer(string name)
    {
        if (!_emitted.TryGetValue(name, out var value))
            _emitted[name] = value = graph.Initializer(name, this[name]);
        return value;
    }

    /// <summary>
    /// Weight and bias initializers of a torchvision Conv2dNormActivation at <paramref name="block"/>: its batch norm
    /// ("<paramref name="block"/>.1", maskrcnn_resnet50_fpn_v2) folded into the bias-free conv, or the plain conv and
    /// its bias when there is no norm (<see cref="ConvPrefix"/>).
    /// </summary>
    public (string Weight, string Bias) ConvNorm(string block)
    {
        if (Has($"{block}.1.running_var")) return ConvWithBatchNorm($"{block}.0.weight", $"{block}.1");
        var prefix = ConvPrefix(block);
        return (Initializer($"{prefix}.weight"), Initializer($"{prefix}.bias"));
    }

    /// <summary>Conv weight and bias initializers with the frozen batch norm at <paramref name="batchNorm"/> folded in.</summary>
    public (string Weight, string Bias) ConvWithBatchNorm(string convWeight, string batchNorm)
    {
        using var scope = NewDisposeScope();
        var scale = this[$"{batchNorm}.weight"] * (this[$"{batchNorm}.running_var"] + batchNormEpsilon).rsqrt();
        var bias = this[$"{batchNorm}.bias"] - this[$"{batchNorm}.running_mean"] * scale;
        var weight = this[convWeight] * scale.view(-1, 1, 1, 1);
        return (graph.Initializer(convWeight, weight), graph.Initializer($"{batchNorm}.folded_bias", bias));
    }
}
