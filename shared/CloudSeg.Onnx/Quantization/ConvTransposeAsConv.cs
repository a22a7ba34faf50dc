using Google.Protobuf;
using AttributeType = CloudSeg.Onnx.AttributeProto.Types.AttributeType;

namespace CloudSeg.Onnx.Quantization;

/// <summary>
/// A 2-D ConvTranspose whose kernel equals its stride s (Mask R-CNN's mask-head upsampling: 2×2, stride 2, in ours,
/// torchvision's and the Model Zoo's graphs) has no overlapping taps: output pixel (s·i + a, s·j + b) of channel o reads
/// input pixel (i, j) only, through W[:, o, a, b]. It is therefore a 1×1 Conv with s²·C_out output channels followed by
/// DepthToSpace in DCR order (channel (a·s + b)·C_out + o moves to offset (a, b) of channel o) — the same sums, so the
/// same outputs within float rounding. ONNX Runtime has no int8 ConvTranspose on the CPU; rewritten, the layer runs as
/// QLinearConv instead of float. A Relu that only the ConvTranspose feeds moves before the DepthToSpace (it is
/// elementwise, so the two commute), where the quantizer folds it into the convolution's range; a 1×1 Conv that reads
/// the DepthToSpace (the mask logits) moves before it as a grouped Conv, so the float shuffle moves the class channels
/// only.
/// </summary>
public static class ConvTransposeAsConv
{
    /// <summary>Rewrites every such ConvTranspose with constant float weights in place; returns how many it rewrote.
    /// The Conv keeps the ConvTranspose's node name, so plans and sensitivity rankings still refer to that layer.</summary>
    public static int Apply(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var names = graph.Node.SelectMany(n => n.Output).Concat(graph.Input.Select(i => i.Name)).Concat(initializers.Keys)
            .ToHashSet(StringComparer.Ordinal);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        string Unique(string stem)
        {
            var name = stem;
            for (var i = 1; !names.Add(name); i++) name = $"{stem}_{i}";
            return name;
        }

        var rewritten = 0;
        var replaced = new List<string>();
        foreach (var node in graph.Node.Where(n => n.OpType == "ConvTranspose" && n.Domain is "" or "ai.onnx").ToList())
        {
            if (BlockSize(node, initializers) is not { } blockSize) continue;
            var weight = initializers[node.Input[1]];
            replaced.AddRange(node.Input.Skip(1).Where(i => i.Length > 0));
            var conv = new NodeProto { OpType = "Conv", Name = node.Name, Input = { node.Input[0], Unique(weight.Name + "_as_conv") } };
            graph.Initializer.Add(ConvWeight(weight, blockSize, conv.Input[1]));
            if (node.Input.Count > 2 && node.Input[2].Length > 0)
            {
                conv.Input.Add(Unique(node.Input[2] + "_as_conv"));
                graph.Initializer.Add(ConvBias(initializers[node.Input[2]], blockSize, conv.Input[2]));
            }
            conv.Attribute.Add(Ints("kernel_shape", 1, 1));
            conv.Attribute.Add(Ints("strides", 1, 1));
            var depthToSpace = new NodeProto { OpType = "DepthToSpace", Name = Unique(node.Name + "_depth_to_space") };
            depthToSpace.Attribute.Add(new AttributeProto { Name = "blocksize", Type = AttributeType.Int, I = blockSize });

            var readers = graph.Node.Where(n => n.Input.Contains(node.Output[0])).ToList();
            var at = graph.Node.IndexOf(node);
            graph.Node[at] = conv;
            if (readers is [{ OpType: "Relu" } relu] && !graphOutputs.Contains(node.Output[0]))
            {
                // ConvTranspose → Relu → y becomes Conv → Relu → DepthToSpace → y.
                conv.Output.Add(Unique(node.Output[0] + "_depth"));
                relu.Input[0] = conv.Output[0];
                depthToSpace.Input.Add(Unique(relu.Output[0] + "_depth"));
                depthToSpace.Output.Add(relu.Output[0]);
                relu.Output[0] = depthToSpace.Input[0];
                graph.Node.Insert(graph.Node.IndexOf(relu) + 1, depthToSpace);
            }
            else
            {
                conv.Output.Add(Unique(node.Output[0] + "_depth"));
                depthToSpace.Input.Add(conv.Output[0]);
                depthToSpace.Output.Add(node.Output[0]);
                graph.Node.Insert(at + 1, depthToSpace);
            }
            MovePastPointwiseConv(graph, depthToSpace, blockSize, weight.Dims[1], initializers, graphOutputs, Unique, replaced);
            rewritten++;
        }
        RemoveUnread(graph, replaced);
        return rewritten;
    }

    /// <summary>
    /// DepthToSpace → 1×1 Conv (the mask logits) becomes a grouped 1×1 Conv → DepthToSpace: the s² groups (one per
    /// offset, DCR order) each apply the same weights, so the pixels are the same sums; the shuffle then moves the few
    /// class channels instead of the head's wide features, and ONNX Runtime has no int8 DepthToSpace, so it runs in float.
    /// </summary>
    private static void MovePastPointwiseConv(GraphProto graph, NodeProto depthToSpace, long s, long channels,
        Dictionary<string, TensorProto> initializers, HashSet<string> graphOutputs, Func<string, string> unique, List<string> replaced)
    {
        var shuffled = depthToSpace.Output[0];
        var readers = graph.Node.Where(n => n.Input.Contains(shuffled)).ToList();
        if (graphOutputs.Contains(shuffled) || readers is not [{ OpType: "Conv", Domain: "" or "ai.onnx" } conv] || conv.Input[0] != shuffled
            || !initializers.TryGetValue(conv.Input[1], out var weight) || weight.DataType != (int)TensorProto.Types.DataType.Float
            || weight.Dims.Count != 4 || weight.Dims[1] != channels || weight.Dims[2] != 1 || weight.Dims[3] != 1)
            return;
        var hasBias = conv.Input.Count > 2 && conv.Input[2].Length > 0;
        if (hasBias && (!initializers.TryGetValue(conv.Input[2], out var b) || b.DataType != (int)TensorProto.Types.DataType.Float))
            return;
        if (!conv.Attribute.All(a => a.Name switch
            {
                "kernel_shape" or "strides" or "dilations" => a.Ints.All(v => v == 1),
                "pads" => a.Ints.All(v => v == 0),
                "group" => a.I == 1,
                "auto_pad" => a.S.ToStringUtf8() is "NOTSET" or "VALID",
                _ => false,
            }))
            return;

        replaced.AddRange(conv.Input.Skip(1).Where(i => i.Length > 0));
        conv.Input[1] = unique(weight.Name + "_grouped");
        graph.Initializer.Add(Tiled(weight, s * s, conv.Input[1], [s * s * weight.Dims[0], channels, 1, 1]));
        if (hasBias)
        {
            var bias = initializers[conv.Input[2]];
            conv.Input[2] = unique(bias.Name + "_grouped");
            graph.Initializer.Add(Tiled(bias, s * s, conv.Input[2], [s * s * bias.Dims[0]]));
        }
        foreach (var group in conv.Attribute.Where(a => a.Name == "group").ToList()) conv.Attribute.Remove(group);
        conv.Attribute.Add(new AttributeProto { Name = "group", Type = AttributeType.Int, I = s * s });

        conv.Input[0] = depthToSpace.Input[0];
        depthToSpace.Input[0] = unique(conv.Output[0] + "_depth");
        depthToSpace.Output[0] = conv.Output[0];
        conv.Output[0] = depthToSpace.Input[0];
        graph.Node.Remove(depthToSpace);
        graph.Node.Insert(graph.Node.IndexOf(conv) + 1, depthToSpace);
    }

    private static TensorProto Tiled(TensorProto tensor, long copies, string name, long[] dims)
    {
        var values = InitializerData.ReadFloats(tensor);
        return InitializerData.Floats(name, [.. Enumerable.Repeat(values, (int)copies).SelectMany(v => v)], dims);
    }

    /// <summary>s when the node is a 2-D, ungrouped, unpadded, undilated ConvTranspose with an s×s kernel at stride s and
    /// constant float weights (and bias); otherwise null (the node stays as it is).</summary>
    private static long? BlockSize(NodeProto node, Dictionary<string, TensorProto> initializers)
    {
        if (node.Input.Count < 2 || !initializers.TryGetValue(node.Input[1], out var weight)
            || weight.DataType != (int)TensorProto.Types.DataType.Float || weight.Dims.Count != 4 || weight.Dims[2] != weight.Dims[3])
            return null;
        if (node.Input.Count > 2 && node.Input[2].Length > 0 && (!initializers.TryGetValue(node.Input[2], out var bias)
            || bias.DataType != (int)TensorProto.Types.DataType.Float || bias.Dims.Count != 1 || bias.Dims[0] != weight.Dims[1]))
            return null;
        var kernel = weight.Dims[2];
        foreach (var attribute in node.Attribute)
        {
            var fine = attribute.Name switch
            {
                "strides" or "kernel_shape" => attribute.Ints.Count == 2 && attribute.Ints.All(v => v == kernel),
                "pads" or "output_padding" => attribute.Ints.All(v => v == 0),
                "dilations" => attribute.Ints.All(v => v == 1),
                "group" => attribute.I == 1,
                "auto_pad" => attribute.S.ToStringUtf8() is "NOTSET" or "VALID",
                _ => false,   // output_shape, or anything this rewrite does not know
            };
            if (!fine) return null;
        }
        // Without a strides attribute the stride is 1: then only a 1×1 kernel has no overlap (and needs no rewrite).
        return node.Attribute.Any(a => a.Name == "strides") && kernel > 1 ? kernel : null;
    }

    /// <summary>W [C_in, C_out, s, s] → W' [s²·C_out, C_in, 1, 1] with W'[(a·s + b)·C_out + o, c] = W[c, o, a, b].</summary>
    private static TensorProto ConvWeight(TensorProto weight, long s, string name)
    {
        var values = InitializerData.ReadFloats(weight);
        long inputs = weight.Dims[0], outputs = weight.Dims[1];
        var result = new float[values.Length];
        for (var c = 0L; c < inputs; c++)
            for (var o = 0L; o < outputs; o++)
                for (var a = 0L; a < s; a++)
                    for (var b = 0L; b < s; b++)
                        result[((a * s + b) * outputs + o) * inputs + c] = values[((c * outputs + o) * s + a) * s + b];
        return InitializerData.Floats(name, result, s * s * outputs, inputs, 1, 1);
    }

    /// <summary>Bias [C_out] repeated once per offset (a, b): channel (a·s + b)·C_out + o gets bias o.</summary>
    private static TensorProto ConvBias(TensorProto bias, long s, string name) => Tiled(bias, s * s, name, [s * s * bias.Dims[0]]);

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>Drops the replaced ConvTranspose weights that nothing reads any more (a weight may be shared).</summary>
    private static void RemoveUnread(GraphProto graph, List<string> replaced)
    {
        var read = graph.Node.SelectMany(n => n.Input.Concat(GraphEditing.OuterScopeNames(n)))
            .Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
        var unread = replaced.Where(name => !read.Contains(name)).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in graph.Initializer.Where(t => unread.Contains(t.Name)).ToList()) graph.Initializer.Remove(tensor);
    }
}
