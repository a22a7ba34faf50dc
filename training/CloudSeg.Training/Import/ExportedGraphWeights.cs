using CloudSeg.Onnx;
using CloudSeg.Training.Backbone;
using CloudSeg.Training.Detection;
using static TorchSharp.torch;

namespace CloudSeg.Training.Import;

/// <summary>
/// Reads the weights back out of a <c>cloudseg</c> model.onnx written by our exporter, as a state dict in
/// torchvision's names. The exporter names every initializer after the parameter it holds, with one transformation:
/// each (frozen) batch norm is folded into the convolution before it (W·s and bias b − μ·s, stored as
/// "&lt;bn&gt;.folded_bias"). γ, β, μ and σ² cannot be separated again, so a batch norm comes back as the identity
/// (γ = 1, μ = 0, σ² = 1 − ε) plus the folded bias, with the folded weight in the convolution — the same function
/// in inference. Batch statistics would differ in training mode, so a model rebuilt this way must use frozen batch
/// norm (<see cref="NormLayer.FrozenBatchNorm"/>), as torchvision does when fine-tuning.
/// </summary>
public static class ExportedGraphWeights
{
    private const string FoldedBias = ".folded_bias";
    private const string Body = "backbone.body";

    /// <summary>Every float initializer of the graph by name (the caller disposes the tensors).</summary>
    public static Dictionary<string, Tensor> ReadInitializers(string onnxPath)
    {
        var graph = OnnxModelFile.Read(onnxPath).Graph;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var proto in graph.Initializer.Where(p => p.DataType == (int)TensorProto.Types.DataType.Float))
        {
            var values = proto.RawData.Length > 0
                ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(proto.RawData.Span).ToArray()
                : proto.FloatData.ToArray();
            tensors[proto.Name] = tensor(values, proto.Dims.ToArray());
        }
        return tensors;
    }

    /// <summary>
    /// The architecture the initializers describe, as the trainer builds it: ResNet depth from the block names, the
    /// small or standard dimensions from the stem's width, input size from the card. Null (with the reason) when the
    /// graph was not written by our exporter.
    /// </summary>
    public static MaskRcnnOptions? InferOptions(IReadOnlyDictionary<string, Tensor> initializers, int numClasses,
        int minSize, int maxSize, out string reason)
    {
        if (!initializers.TryGetValue($"{Body}.conv1.weight", out var stem) || !initializers.ContainsKey($"{Body}.bn1{FoldedBias}"))
        {
            reason = "its graph has no backbone weights under torchvision's names (not exported by cloudseg)";
            return null;
        }
        int Blocks(int layer) => Enumerable.Range(0, 64).TakeWhile(b => initializers.ContainsKey($"{Body}.layer{layer}.{b}.conv1.weight")).Count();
        var counts = (Blocks(1), Blocks(2), Blocks(3), Blocks(4));
        bool bottleneck = initializers.ContainsKey($"{Body}.layer1.0.conv3.weight");
        ResNetDepth? depth = (counts, bottleneck) switch
        {
            ((2, 2, 2, 2), false) => ResNetDepth.ResNet18,
            ((3, 4, 6, 3), false) => ResNetDepth.ResNet34,
            ((3, 4, 6, 3), true) => ResNetDepth.ResNet50,
            ((3, 4, 23, 3), true) => ResNetDepth.ResNet101,
            _ => null,
        };
        if (depth is null)
        {
            reason = $"its ResNet has {counts} blocks per stage, which is no depth the trainer builds";
            return null;
        }
        reason = "";
        var small = MaskRcnnOptions.Small(numClasses, depth.Value, minSize);
        var options = stem.shape[0] == small.BackboneWidth
            ? small with { MaxSize = maxSize }
            : new MaskRcnnOptions { NumClasses = numClasses, Backbone = depth.Value, MinSize = minSize, MaxSize = maxSize };
        return options with { Norm = NormLayer.FrozenBatchNorm };
    }

    /// <summary>
    /// The state dict of <paramref name="model"/>'s names rebuilt from the initializers (see the class comment); names
    /// the graph lacks are left out, so the caller sees them as missing.
    /// </summary>
    public static Dictionary<string, Tensor> ToStateDict(IReadOnlyDictionary<string, Tensor> initializers, nn.Module model)
    {
        var stateDict = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, target) in model.state_dict())
        {
            if (initializers.TryGetValue(name, out var value))
            {
                stateDict[name] = value;
                continue;
            }
            int dot = name.LastIndexOf('.');
            string module = name[..dot], field = name[(dot + 1)..];
            if (!initializers.TryGetValue(module + FoldedBias, out var foldedBias)) continue;
            stateDict[name] = field switch
            {
                "weight" => ones_like(target),
                "bias" => foldedBias,
                "running_mean" => zeros_like(target),
                "running_var" => full_like(target, 1 - InferenceEpsilon),
                _ => target.clone(),
            };
        }
        return stateDict;
    }

    // FrozenBatchNorm2d's ε, which the export folded with: σ² = 1 − ε makes its scale exactly 1.
    private const double InferenceEpsilon = 1e-5;
}
