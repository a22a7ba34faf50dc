using System.Text.Json;
using CloudSeg.Onnx;
using CloudSeg.Onnx.Quantization;
using CloudSeg.Training.Backbone;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Engine;
using CloudSeg.Training.Yolact;
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

    /// <summary>The metadata key under which the exporter records the model's architecture (its
    /// <see cref="MaskRcnnOptions"/>, as checkpoint.json writes them): the initializers alone cannot tell a backbone's
    /// layout (e.g. ML.NET's ResNet-18 cut after layer3) or its input normalisation.</summary>
    public const string OptionsMetadataKey = "cloudseg.mask_rcnn_options";

    /// <summary>The same for a YOLACT graph: its <see cref="YolactOptions"/>.</summary>
    public const string YolactOptionsMetadataKey = "cloudseg.yolact_options";

    /// <summary>The architecture the exporter recorded in the graph, with <paramref name="numClasses"/> and frozen batch
    /// norm (the export folded it); null for graphs exported before the exporter recorded it.</summary>
    public static MaskRcnnOptions? RecordedOptions(ModelProto model, int numClasses) =>
        Recorded<MaskRcnnOptions>(model, OptionsMetadataKey) is { } options ? options with { NumClasses = numClasses, Norm = NormLayer.FrozenBatchNorm } : null;

    /// <summary>A YOLACT graph's recorded architecture with frozen batch norm (null when it records none).</summary>
    public static YolactOptions? RecordedYolactOptions(ModelProto model) =>
        Recorded<YolactOptions>(model, YolactOptionsMetadataKey) is { } options ? options with { Norm = NormLayer.FrozenBatchNorm } : null;

    static T? Recorded<T>(ModelProto model, string key) where T : class =>
        model.MetadataProps.FirstOrDefault(p => p.Key == key)?.Value is { } json ? JsonSerializer.Deserialize<T>(json, Checkpoint.Json) : null;

    /// <summary>Every float initializer of <paramref name="graph"/> by name (the caller disposes the tensors).</summary>
    public static Dictionary<string, Tensor> ReadInitializers(GraphProto graph)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var proto in graph.Initializer.Where(p => p.DataType == (int)TensorProto.Types.DataType.Float))
        {
            tensors[proto.Name] = tensor(InitializerData.ReadFloats(proto), proto.Dims.ToArray());
        }
        return tensors;
    }

    /// <summary>
    /// For graphs without <see cref="RecordedOptions"/>: the architecture the initializers describe, as the trainer builds it: ResNet depth from the block names, the
    /// small or standard heads from the FPN's width, the backbone's width from its stem, input size from the card. Null (with the reason) when the
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
        var depth = ResNetLayout.DepthOf(initializers.ContainsKey, $"{Body}.", out var found);
        if (depth is null)
        {
            reason = $"its ResNet has {found}, which is no depth the trainer builds";
            return null;
        }
        reason = "";
        var small = MaskRcnnOptions.Small(numClasses, depth.Value, minSize);
        // An ImageNet backbone (width 64) carries small heads too, so the FPN's width tells the sizes apart.
        var options = initializers.TryGetValue("backbone.fpn.inner_blocks.0.0.weight", out var lateral) && lateral.shape[0] == small.FpnChannels
            ? small with { MaxSize = maxSize }
            : new MaskRcnnOptions { NumClasses = numClasses, Backbone = depth.Value, MinSize = minSize, MaxSize = maxSize };
        return options with { BackboneWidth = (int)stem.shape[0], Norm = NormLayer.FrozenBatchNorm };
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

    /// <summary>Disposes the tensors <see cref="ToStateDict"/> made (the identity batch norms), not the initializers it
    /// passed through, which stay the caller's.</summary>
    public static void DisposeMadeTensors(IReadOnlyDictionary<string, Tensor> stateDict, IReadOnlyDictionary<string, Tensor> initializers)
    {
        var owned = new HashSet<Tensor>(initializers.Values, ReferenceEqualityComparer.Instance);
        foreach (var tensor in stateDict.Values.Where(t => !owned.Contains(t))) tensor.Dispose();
    }

    // FrozenBatchNorm2d's ε, which the export folded with: σ² = 1 − ε makes its scale exactly 1.
    private const double InferenceEpsilon = 1e-5;
}
