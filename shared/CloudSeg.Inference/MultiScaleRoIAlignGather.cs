using CloudSeg.Onnx;
using Google.Protobuf;

namespace CloudSeg.Inference;

/// <summary>What <see cref="MultiScaleRoIAlignGather.Apply"/> did: how many poolers it rewrote, and why it left others.</summary>
public sealed record MultiScaleRoIAlignRewrite(int Rewritten, IReadOnlyList<string> Skipped);

/// <summary>
/// Graph surgery for torchvision exports: <c>MultiScaleRoIAlign</c> pools each FPN level's boxes with RoiAlign and
/// writes the rows back into box order with <c>result[idx_in_level] = pooled</c>, which torch.onnx exports as a zero
/// tensor [N,C,h,w] (ConstantOfShape) and one ScatterElements per level whose indices are the level's box indices
/// expanded element-wise (Reshape to [n,1,1,1], Expand). ONNX Runtime copies the whole [N,C,h,w] tensor in every
/// level's scatter (for R-50-FPN's 1000 proposals, 50 MB four times), about a third of the int8 graph's kernel time.
/// <para>This replaces each such chain by Concat(pooled levels…, one fill row) and one row Gather with the inverse
/// permutation, as our own exporter emits it (RoIAlignEmitter). The inverse permutation is computed over the N box
/// indices alone (a 1-D ScatterElements of the row positions into an [N] vector initialised to the fill row's
/// position), so boxes that no level took keep the fill value and, as in a sequential scatter, a box written twice
/// keeps its last level's row: the output is the original's, bit for bit. The last scatter's output name is kept, so
/// readers (and an int8 graph's quantization of that tensor) are untouched.</para>
/// </summary>
public static class MultiScaleRoIAlignGather
{
    private const string Scatter = "ScatterElements";

    /// <summary>Edits the graph in place. A scatter chain fed by RoiAlign that does not match the pattern fully is left as
    /// it is and its reason returned; a graph without such chains is untouched.</summary>
    public static MultiScaleRoIAlignRewrite Apply(GraphProto graph)
    {
        var producers = graph.ProducersByOutput();
        var consumers = graph.ConsumersByInput();
        var skipped = new List<string>();
        var plans = new List<Plan>();
        foreach (var first in graph.Node.Where(n => n.OpType == Scatter && producers.GetValueOrDefault(n.Input[0]) is { OpType: "ConstantOfShape" }).ToList())
        {
            var chain = Chain(first, consumers);
            // Only scatters of pooled features are this pattern; any other scatter from a constant is none of our business.
            if (!chain.Any(s => s.Input.Count == 3 && PoolerOf(s.Input[2], producers) is not null)) continue;
            var reason = Reason(chain, producers, graph);
            if (reason.Length == 0) plans.Add(Build(chain, producers));
            else skipped.Add(reason);
        }
        foreach (var plan in plans)
            Rewrite(graph, plan);
        // The zero tensors, the index Expands and their shape arithmetic now feed nothing.
        if (plans.Count > 0) graph.PruneUnusedNodes();
        return new MultiScaleRoIAlignRewrite(plans.Count, skipped);
    }

    /// <summary>One pooler's scatter chain, the zero tensor's shape and fill value, and per level the box indices and pooled rows.</summary>
    private sealed record Plan(List<NodeProto> Chain, NodeProto Zeros, List<string> Indices, List<string> Pooled);

    /// <summary>The scatters that write, one after the other, into the same tensor: each one's only reader is the next.</summary>
    private static List<NodeProto> Chain(NodeProto first, Dictionary<string, List<NodeProto>> consumers)
    {
        var chain = new List<NodeProto> { first };
        while (consumers.GetValueOrDefault(chain[^1].Output[0]) is [{ OpType: Scatter } next] && next.Input[0] == chain[^1].Output[0])
            chain.Add(next);
        return chain;
    }

    private static Plan Build(List<NodeProto> chain, Dictionary<string, NodeProto> producers) => new(chain,
        producers[chain[0].Input[0]],
        chain.Select(s => producers[producers[s.Input[1]].Input[0]].Input[0]).ToList(),
        chain.Select(s => s.Input[2]).ToList());

    /// <summary>Why the chain is not exactly torchvision's pooler (empty when it is).</summary>
    private static string Reason(List<NodeProto> chain, Dictionary<string, NodeProto> producers, GraphProto graph)
    {
        var where = $"the scatter chain ending in {chain[^1].Output[0]}";
        if (graph.Output.Any(o => chain.SkipLast(1).Any(s => s.Output[0] == o.Name)))
            return $"{where}: a level's partial result is a graph output";
        if (chain.Any(s => s.Input.Count != 3 || s.IntAttribute("axis") is not (null or 0) || s.Attribute.Any(a => a.Name == "reduction" && a.S.ToStringUtf8() != "none")))
            return $"{where}: a scatter is not a plain write along axis 0";
        var sizes = new HashSet<(long?, long?)>();
        foreach (var scatter in chain)
        {
            // indices = Expand(Reshape(levelIndices, [-1,1,…,1]), shape): each box's index repeated over its row.
            if (producers.GetValueOrDefault(scatter.Input[1]) is not { OpType: "Expand" } expand
                || producers.GetValueOrDefault(expand.Input[0]) is not { OpType: "Reshape" } reshape
                || graph.ConstantInt64s(reshape.Input[1], producers) is not [-1, .. var ones] || ones.Any(d => d != 1))
                return $"{where}: the indices of {scatter.Output[0]} are not one box index per row (Expand of a Reshape to [-1,1,…,1])";
            // The rows must be RoiAlign's over the boxes those indices select, so both have one entry per box of the level.
            if (PoolerOf(scatter.Input[2], producers) is not { } pooler)
                return $"{where}: the rows of {scatter.Output[0]} are not a RoiAlign's output";
            if (!PoolsBoxesAt(pooler, reshape.Input[0], producers))
                return $"{where}: the RoiAlign behind {scatter.Output[0]} does not pool the boxes its indices name";
            sizes.Add((pooler.IntAttribute("output_height"), pooler.IntAttribute("output_width")));
        }
        if (sizes.Count != 1)
            return $"{where}: its levels pool to different sizes";
        var zeros = producers[chain[0].Input[0]];
        if (zeros.Input.Count != 1 || zeros.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { DataType: not (int)TensorProto.Types.DataType.Float })
            return $"{where}: the tensor it writes into is not a float ConstantOfShape";
        return "";
    }

    /// <summary>The RoiAlign that produces the tensor, directly or through a Cast to float (torchvision's export casts it).</summary>
    private static NodeProto? PoolerOf(string tensor, Dictionary<string, NodeProto> producers)
    {
        var node = producers.GetValueOrDefault(tensor);
        if (node is { OpType: "Cast" } cast && cast.IntAttribute("to") == (int)TensorProto.Types.DataType.Float)
            node = producers.GetValueOrDefault(cast.Input[0]);
        return node is { OpType: "RoiAlign", Domain: "" or "ai.onnx" } ? node : null;
    }

    /// <summary>The RoiAlign's boxes are Gather(boxes, levelIndices) along axis 0, optionally with columns picked after.</summary>
    private static bool PoolsBoxesAt(NodeProto pooler, string levelIndices, Dictionary<string, NodeProto> producers)
    {
        var rows = producers.GetValueOrDefault(pooler.Input[1]);
        if (rows is { OpType: "Gather" } columns && columns.IntAttribute("axis") == 1)
            rows = producers.GetValueOrDefault(columns.Input[0]);
        return rows is { OpType: "Gather" } gather && gather.IntAttribute("axis") is null or 0 && SameValue(gather.Input[1], levelIndices, producers, 12);
    }

    /// <summary>True when both tensors are the same one, or the same deterministic computation of the same inputs (torch.onnx
    /// may export <c>torch.where(levels == level)</c> twice: once for the boxes to pool, once for the scatter).</summary>
    private static bool SameValue(string a, string b, Dictionary<string, NodeProto> producers, int depth)
    {
        if (a == b) return true;
        if (depth == 0 || producers.GetValueOrDefault(a) is not { } x || producers.GetValueOrDefault(b) is not { } y) return false;
        if (x.OpType != y.OpType || x.Domain != y.Domain || x.OpType.StartsWith("Random", StringComparison.Ordinal)
            || x.Output.IndexOf(a) != y.Output.IndexOf(b) || x.Input.Count != y.Input.Count
            || !x.Attribute.Select(t => t.ToByteString()).SequenceEqual(y.Attribute.Select(t => t.ToByteString())))
            return false;
        return x.Input.Zip(y.Input).All(p => SameValue(p.First, p.Second, producers, depth - 1));
    }

    private static void Rewrite(GraphProto graph, Plan plan)
    {
        var result = plan.Chain[^1].Output[0];
        var name = (string part) => $"{result}/gather_levels/{part}";
        var shape = plan.Zeros.Input[0];
        var fill = Node("ConstantOfShape", [name("fill_shape")], name("fill"));
        if (plan.Zeros.Attribute.FirstOrDefault(a => a.Name == "value") is { } value)
            fill.Attribute.Add(value.Clone());
        var nodes = new List<NodeProto>
        {
            Constant(name("zero"), [0], scalar: true),
            Constant(name("one"), [1], scalar: true),
            Constant(name("starts"), [0]),
            Constant(name("ends"), [1]),
            Constant(name("rest_ends"), [long.MaxValue]),
            Constant(name("scalar_shape"), []),
            // order[j]: the box of the j-th pooled row; inverse[box]: its row, or the fill row's (M) when no level took it.
            Node("Concat", [.. plan.Indices], name("order"), ("axis", 0)),
            Node("Shape", [name("order")], name("rows")),
            Node("Slice", [shape, name("starts"), name("ends"), name("starts")], name("boxes")),
            Node("Expand", [name("rows"), name("boxes")], name("unfilled")),
            Node("Reshape", [name("rows"), name("scalar_shape")], name("row_count")),
            Node("Range", [name("zero"), name("row_count"), name("one")], name("positions")),
            Node(Scatter, [name("unfilled"), name("order"), name("positions")], name("inverse"), ("axis", 0)),
            // The fill row: one row of the zero tensor's shape and value.
            Node("Slice", [shape, name("ends"), name("rest_ends"), name("starts")], name("row_dims")),
            Node("Concat", [name("ends"), name("row_dims")], name("fill_shape"), ("axis", 0)),
            fill,
            Node("Concat", [.. plan.Pooled, name("fill")], name("pooled"), ("axis", 0)),
            Node("Gather", [name("pooled"), name("inverse")], result, ("axis", 0)),
        };

        var at = graph.Node.IndexOf(plan.Chain[^1]);
        foreach (var scatter in plan.Chain) graph.Node.Remove(scatter);
        at -= plan.Chain.Count - 1;
        for (var i = 0; i < nodes.Count; i++) graph.Node.Insert(at + i, nodes[i]);
    }

    private static NodeProto Node(string op, string[] inputs, string output, params (string Name, long Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output, Output = { output } };
        node.Input.AddRange(inputs);
        foreach (var (attributeName, value) in attributes)
            node.Attribute.Add(new AttributeProto { Name = attributeName, Type = AttributeProto.Types.AttributeType.Int, I = value });
        return node;
    }

    private static NodeProto Constant(string output, long[] values, bool scalar = false)
    {
        var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Int64Data.AddRange(values);
        if (!scalar) tensor.Dims.Add(values.Length);
        var node = new NodeProto { OpType = "Constant", Name = output, Output = { output } };
        node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor });
        return node;
    }
}
