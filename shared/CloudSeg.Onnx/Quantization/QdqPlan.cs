namespace CloudSeg.Onnx.Quantization;

/// <summary>A node whose weights become int8 (per output channel along <paramref name="WeightAxis"/>), with its
/// activation input and output quantized around it. <paramref name="FusedActivation"/> is a Relu that only this node
/// feeds: it is dropped and its output becomes the node's output, because an int8 range starting at 0 clamps exactly as
/// Relu does (ONNX Runtime's quantizer folds it the same way).</summary>
public sealed record QuantizedNode(string Name, string OpType, int WeightAxis, bool HasBias, string? FusedActivation, string Output);

/// <summary>
/// What a static QDQ quantization of a graph changes: the nodes that compute in int8 and every activation tensor that
/// gets a QuantizeLinear/DequantizeLinear pair. Calibration measures exactly <see cref="Activations"/>.
/// </summary>
/// <param name="WeightsInMicrosoftDomain">The graph's opset predates per-axis DequantizeLinear (13): per-channel weights
/// are then read through ONNX Runtime's com.microsoft DequantizeLinear, which has the axis and which its QDQ fusions accept.</param>
public sealed record QdqPlan(IReadOnlyList<QuantizedNode> Nodes, IReadOnlyList<string> Activations, bool WeightsInMicrosoftDomain)
{
    /// <summary>The operators whose weights are quantized (the convolutions and fully-connected layers).</summary>
    public static readonly IReadOnlySet<string> WeightedOps = new HashSet<string>(["Conv", "Gemm", "MatMul"]);

    /// <summary>
    /// Plans the quantization of every Conv, Gemm and MatMul with a constant float weight, except those named in
    /// <paramref name="keepFloat"/>; Adds whose two inputs are already quantized tensors (residual and FPN sums) are
    /// quantized too, so ONNX Runtime can run them as QLinearAdd instead of dequantizing around them.
    /// Unnamed nodes are given names here (the plan refers to nodes by name) and ConvTransposes without overlapping taps
    /// become a quantizable Conv + DepthToSpace (<see cref="ConvTransposeAsConv"/>), so call it on the graph you then
    /// calibrate and edit.
    /// </summary>
    public static QdqPlan For(ModelProto model, IReadOnlySet<string>? keepFloat = null)
    {
        var opset = DefaultOpset(model);
        if (opset < 10)
            throw new InvalidDataException($"The graph's opset is {opset}; QuantizeLinear/DequantizeLinear need opset 10 or newer.");
        var graph = model.Graph;
        NameUnnamedNodes(graph);
        InlineIdentityConstants(graph);
        ConvTransposeAsConv.Apply(graph);
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var consumers = graph.ConsumersByInput();
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);

        var nodes = new List<QuantizedNode>();
        var activations = new List<string>();
        var quantized = new HashSet<string>(StringComparer.Ordinal);
        void Quantize(string tensor)
        {
            if (quantized.Add(tensor)) activations.Add(tensor);
        }

        foreach (var node in graph.Node)
        {
            if (!WeightedOps.Contains(node.OpType) || keepFloat?.Contains(node.Name) == true) continue;
            if (WeightAxis(node, initializers) is not { } axis) continue;
            var output = FoldableRelu(node.Output[0], consumers, graphOutputs) is { } relu ? relu.Output[0] : node.Output[0];
            nodes.Add(new QuantizedNode(node.Name, node.OpType, axis, node.Input.Count > 2 && node.Input[2].Length > 0,
                output == node.Output[0] ? null : consumers[node.Output[0]][0].Name, output));
            Quantize(node.Input[0]);
            Quantize(output);
        }

        foreach (var node in graph.Node)
        {
            if (node.OpType != "Add" || node.Input.Count != 2 || keepFloat?.Contains(node.Name) == true) continue;
            if (!quantized.Contains(node.Input[0]) || !quantized.Contains(node.Input[1])) continue;
            var output = FoldableRelu(node.Output[0], consumers, graphOutputs) is { } relu ? relu.Output[0] : node.Output[0];
            nodes.Add(new QuantizedNode(node.Name, node.OpType, -1, false,
                output == node.Output[0] ? null : consumers[node.Output[0]][0].Name, output));
            Quantize(output);
        }
        return new QdqPlan(nodes, activations, WeightsInMicrosoftDomain: opset < 13);
    }

    /// <summary>The version of the default ("" or "ai.onnx") operator set.</summary>
    public static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version
        ?? throw new InvalidDataException("The model imports no default ONNX operator set.");

    /// <summary>The axis of the weight's output channels, or null when the node cannot be quantized: its weight is not a
    /// constant float tensor of the expected rank, or its attributes scale or transpose in ways a QDQ pair cannot express.</summary>
    private static int? WeightAxis(NodeProto node, Dictionary<string, TensorProto> initializers)
    {
        if (node.Input.Count < 2 || initializers.ContainsKey(node.Input[0])) return null;
        if (!initializers.TryGetValue(node.Input[1], out var weight) || weight.DataType != (int)TensorProto.Types.DataType.Float) return null;
        if (node.Input.Count > 2 && node.Input[2].Length > 0 &&
            (!initializers.TryGetValue(node.Input[2], out var bias) || bias.Dims.Count != 1 || bias.DataType != (int)TensorProto.Types.DataType.Float))
            return null;
        switch (node.OpType)
        {
            case "Conv" when weight.Dims.Count >= 3:
                return 0;
            case "MatMul" when weight.Dims.Count == 2:
                return 1;
            case "Gemm" when weight.Dims.Count == 2:
                if (Float(node, "alpha", 1) != 1 || Float(node, "beta", 1) != 1 || (node.IntAttribute("transA") ?? 0) != 0) return null;
                var axis = node.IntAttribute("transB") == 1 ? 0 : 1;
                if (node.Input.Count > 2 && initializers[node.Input[2]].Dims[0] != weight.Dims[axis]) return null;
                return axis;
            default:
                return null;
        }
    }

    private static NodeProto? FoldableRelu(string output, Dictionary<string, List<NodeProto>> consumers, HashSet<string> graphOutputs) =>
        !graphOutputs.Contains(output) && consumers.TryGetValue(output, out var readers) && readers is [{ OpType: "Relu" } relu]
        && !graphOutputs.Contains(relu.Output[0])
            ? relu
            : null;

    /// <summary>Replaces Identity nodes that copy an initializer by an initializer of that name: torch's exporter reads
    /// some weights and folded batch-norm biases that way (60 of torchvision R-50's 81 convolutions), and the plan only
    /// quantizes layers whose weights and bias are initializers.</summary>
    private static void InlineIdentityConstants(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "Identity" && initializers.ContainsKey(n.Input[0]) && !outputs.Contains(n.Output[0])).ToList())
        {
            var copy = initializers[node.Input[0]].Clone();
            copy.Name = node.Output[0];
            graph.Initializer.Add(copy);
            graph.Node.Remove(node);
        }
    }

    private static void NameUnnamedNodes(GraphProto graph)
    {
        var names = graph.Node.Select(n => n.Name).Where(n => n.Length > 0).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < graph.Node.Count; i++)
        {
            if (graph.Node[i].Name.Length > 0) continue;
            var name = $"{graph.Node[i].OpType}_{i}";
            while (!names.Add(name)) name += "_";
            graph.Node[i].Name = name;
        }
    }

    private static float Float(NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { HasF: true } a ? a.F : fallback;
}
