namespace CloudSeg.Onnx.Quantization;

/// <summary>
/// Rewrites a float graph into QDQ form from a <see cref="QdqPlan"/> and calibrated activation ranges:
/// <list type="bullet">
/// <item>each planned activation tensor t gets t → QuantizeLinear → DequantizeLinear, and every reader of t reads the
/// dequantized copy (graph outputs keep the float tensor);</item>
/// <item>each planned weight becomes an int8 initializer, symmetric ([-127, 127], zero point 0) per output channel,
/// read through a DequantizeLinear with that axis;</item>
/// <item>each bias becomes int32 with scale = input scale × weight scale of its channel (zero point 0), the layout
/// ONNX Runtime's QDQ fusions expect before they turn the group into QLinearConv / QGemm / MatMulInteger.</item>
/// </list>
/// Placement and conventions follow ONNX Runtime's QDQ format; the result runs on any ONNX runtime.
/// </summary>
public static class QdqRewriter
{
    public const string MicrosoftDomain = "com.microsoft";
    public const string QuantizedSuffix = "_quantized";
    public const string DequantizedSuffix = "_dequantized";

    public static void Apply(ModelProto model, QdqPlan plan, IReadOnlyDictionary<string, ActivationRange> ranges,
        ActivationType activationType = ActivationType.Int8)
    {
        var graph = model.Graph;
        var nodesByName = graph.Node.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var activation = new Dictionary<string, ActivationRange>(StringComparer.Ordinal);
        foreach (var tensor in plan.Activations)
        {
            if (!ranges.TryGetValue(tensor, out var range))
                throw new ArgumentException($"No calibrated range for activation {tensor}.", nameof(ranges));
            activation[tensor] = range;
        }

        var dropped = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var weightNodes = new List<NodeProto>();
        foreach (var planned in plan.Nodes)
        {
            var node = nodesByName[planned.Name];
            if (planned.FusedActivation is { } reluName)
            {
                dropped.Add(nodesByName[reluName]);
                node.Output[0] = planned.Output;
            }
            if (planned.WeightAxis < 0) continue;
            var weight = initializers[node.Input[1]];
            var weightScales = QuantizeWeight(graph, weight, planned.WeightAxis, weightNodes, planned.Name);
            node.Input[1] = weightNodes[^1].Output[0];
            if (planned.HasBias)
            {
                var inputScale = activation[node.Input[0]].Int8Parameters().Scale;
                QuantizeBias(graph, initializers[node.Input[2]], inputScale, weightScales, weightNodes, planned.Name);
                node.Input[2] = weightNodes[^1].Output[0];
            }
        }

        if (plan.WeightsInMicrosoftDomain)
        {
            foreach (var node in weightNodes) node.Domain = MicrosoftDomain;
            if (!model.OpsetImport.Any(o => o.Domain == MicrosoftDomain))
                model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }
        InsertActivationPairs(graph, activation, activationType, dropped, weightNodes);
        graph.PruneUnusedNodes();
    }

    /// <summary>Adds the int8 weight, its per-channel scales and zero points, and the DequantizeLinear that reads them;
    /// returns the scales (one per channel, or one for the tensor when <paramref name="axis"/> is -1).</summary>
    private static float[] QuantizeWeight(GraphProto graph, TensorProto weight, int axis, List<NodeProto> nodes, string owner)
    {
        var values = InitializerData.ReadFloats(weight);
        var dims = weight.Dims.ToArray();
        var (channels, inner) = ChannelLayout(dims, axis);
        var absMax = new float[channels];
        for (var i = 0; i < values.Length; i++)
        {
            var c = axis < 0 ? 0 : i / inner % channels;
            absMax[c] = Math.Max(absMax[c], Math.Abs(values[i]));
        }
        // A channel of zeros gets scale 1 (any positive scale represents it exactly); 127 keeps the range symmetric.
        var scales = absMax.Select(m => m > 0 ? m / 127f : 1f).ToArray();
        var quantized = new sbyte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var c = axis < 0 ? 0 : i / inner % channels;
            quantized[i] = (sbyte)Math.Clamp(MathF.Round(values[i] / scales[c], MidpointRounding.ToEven), -127f, 127f);
        }

        var prefix = weight.Name + "_" + owner;
        graph.Initializer.Add(InitializerData.Int8(prefix + QuantizedSuffix, quantized, dims));
        AddDequantize(graph, nodes, prefix, scales, InitializerData.Int8(prefix + "_zero_point", new sbyte[channels], ParamDims(axis, channels)), axis);
        return scales;
    }

    private static void QuantizeBias(GraphProto graph, TensorProto bias, float inputScale, float[] weightScales, List<NodeProto> nodes, string owner)
    {
        var values = InitializerData.ReadFloats(bias);
        var perChannel = weightScales.Length > 1;
        var scales = new float[perChannel ? values.Length : 1];
        for (var c = 0; c < scales.Length; c++) scales[c] = inputScale * weightScales[c];
        var quantized = new int[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var scaled = Math.Round(values[i] / (double)scales[perChannel ? i : 0], MidpointRounding.ToEven);
            quantized[i] = (int)Math.Clamp(scaled, int.MinValue, int.MaxValue);
        }
        var prefix = bias.Name + "_" + owner;
        graph.Initializer.Add(InitializerData.Int32(prefix + QuantizedSuffix, quantized, values.Length));
        AddDequantize(graph, nodes, prefix, scales, InitializerData.Int32(prefix + "_zero_point", new int[scales.Length], ParamDims(perChannel ? 0 : -1, scales.Length)),
            perChannel ? 0 : -1);
    }

    private static void AddDequantize(GraphProto graph, List<NodeProto> nodes, string prefix, float[] scales, TensorProto zeroPoint, int axis)
    {
        graph.Initializer.Add(InitializerData.Floats(prefix + "_scale", scales, ParamDims(axis, scales.Length)));
        graph.Initializer.Add(zeroPoint);
        var node = new NodeProto
        {
            OpType = "DequantizeLinear",
            Name = prefix + "_DequantizeLinear",
            Input = { prefix + QuantizedSuffix, prefix + "_scale", prefix + "_zero_point" },
            Output = { prefix + DequantizedSuffix },
        };
        if (axis >= 0) node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = axis });
        nodes.Add(node);
    }

    /// <summary>Inserts t → Q → DQ right after each quantized tensor's producer (graph inputs: first), redirects the
    /// readers, drops folded Relus and puts the weights' DequantizeLinear nodes first, keeping the node list topological.</summary>
    private static void InsertActivationPairs(GraphProto graph, Dictionary<string, ActivationRange> activation, ActivationType type,
        HashSet<NodeProto> dropped, List<NodeProto> weightNodes)
    {
        var pairs = new Dictionary<string, NodeProto[]>(StringComparer.Ordinal);
        foreach (var (tensor, range) in activation)
        {
            if (type == ActivationType.UInt8)
            {
                var (scale, zeroPoint) = range.UInt8Parameters();
                graph.Initializer.Add(InitializerData.Floats(tensor + "_scale", [scale]));
                graph.Initializer.Add(InitializerData.UInt8(tensor + "_zero_point", [zeroPoint]));
            }
            else
            {
                var (scale, zeroPoint) = range.Int8Parameters();
                graph.Initializer.Add(InitializerData.Floats(tensor + "_scale", [scale]));
                graph.Initializer.Add(InitializerData.Int8(tensor + "_zero_point", [zeroPoint]));
            }
            pairs[tensor] =
            [
                new NodeProto
                {
                    OpType = "QuantizeLinear", Name = tensor + "_QuantizeLinear",
                    Input = { tensor, tensor + "_scale", tensor + "_zero_point" }, Output = { tensor + QuantizedSuffix },
                },
                new NodeProto
                {
                    OpType = "DequantizeLinear", Name = tensor + "_DequantizeLinear",
                    Input = { tensor + QuantizedSuffix, tensor + "_scale", tensor + "_zero_point" }, Output = { tensor + DequantizedSuffix },
                },
            ];
        }

        var original = graph.Node.Where(n => !dropped.Contains(n)).ToList();
        foreach (var node in original)
            for (var i = 0; i < node.Input.Count; i++)
                if (pairs.TryGetValue(node.Input[i], out var pair))
                    node.Input[i] = pair[1].Output[0];

        var ordered = new List<NodeProto>(weightNodes);
        foreach (var input in graph.Input)
            if (pairs.TryGetValue(input.Name, out var pair)) ordered.AddRange(pair);
        foreach (var node in original)
        {
            ordered.Add(node);
            foreach (var output in node.Output)
                if (pairs.TryGetValue(output, out var pair)) ordered.AddRange(pair);
        }
        graph.Node.Clear();
        graph.Node.AddRange(ordered);
    }

    /// <summary>The float tensor an input of a rewritten node was dequantized from (itself when it was not).</summary>
    public static string SourceOf(string input) =>
        input.EndsWith(DequantizedSuffix, StringComparison.Ordinal) ? input[..^DequantizedSuffix.Length] : input;

    /// <summary>Channels along <paramref name="axis"/> and the element count of one step along it (row-major).</summary>
    private static (int Channels, int Inner) ChannelLayout(long[] dims, int axis)
    {
        if (axis < 0) return (1, (int)dims.Aggregate(1L, (a, d) => a * d));
        var inner = 1L;
        for (var d = axis + 1; d < dims.Length; d++) inner *= dims[d];
        return ((int)dims[axis], (int)inner);
    }

    private static long[] ParamDims(int axis, int count) => axis < 0 ? [] : [count];
}
