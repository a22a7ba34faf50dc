using System.Runtime.InteropServices;

namespace CloudSeg.Onnx;

/// <summary>Small, generic edits of an ONNX graph: look up producers, expose an inner tensor as an output, prune.</summary>
public static class GraphEditing
{
    /// <summary>Maps each tensor name to the node that produces it (graph inputs and initializers have no producer).</summary>
    public static Dictionary<string, NodeProto> ProducersByOutput(this GraphProto graph)
    {
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
            foreach (var output in node.Output)
                if (output.Length > 0)
                    producers[output] = node;
        return producers;
    }

    /// <summary>Maps each tensor name to the nodes that read it.</summary>
    public static Dictionary<string, List<NodeProto>> ConsumersByInput(this GraphProto graph)
    {
        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
            foreach (var input in node.Input)
            {
                if (input.Length == 0) continue;
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = [];
                list.Add(node);
            }
        return consumers;
    }

    /// <summary>Every tensor the given ones are computed from, themselves included (a backward walk over
    /// <paramref name="producers"/>); the walk does not go behind nodes for which <paramref name="stopAt"/> is true.</summary>
    public static HashSet<string> AncestorTensors(this Dictionary<string, NodeProto> producers, IEnumerable<string> starts,
        Func<NodeProto, bool>? stopAt = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(starts);
        while (pending.Count > 0)
        {
            var tensor = pending.Pop();
            if (tensor.Length == 0 || !seen.Add(tensor) || !producers.TryGetValue(tensor, out var node)) continue;
            if (stopAt?.Invoke(node) == true) continue;
            foreach (var input in node.Input) pending.Push(input);
        }
        return seen;
    }

    /// <summary>The values of a constant int64 tensor (an initializer or a Constant node's value), or null when the tensor
    /// is computed, of another type or stored outside the file.</summary>
    public static long[]? ConstantInt64s(this GraphProto graph, string name, Dictionary<string, NodeProto> producers)
    {
        var tensor = producers.GetValueOrDefault(name) is { } node
            ? node is { OpType: "Constant", Domain: "" } ? node.Attribute.FirstOrDefault(a => a.Name == "value")?.T : null
            : graph.Initializer.FirstOrDefault(t => t.Name == name);
        if (tensor is not { DataType: (int)TensorProto.Types.DataType.Int64 } || tensor.DataLocation == TensorProto.Types.DataLocation.External)
            return null;
        return tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray() : tensor.Int64Data.ToArray();
    }

    /// <summary>The node's int attribute, or null when it has none of that name (ONNX's default then applies).</summary>
    public static long? IntAttribute(this NodeProto node, string name) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { HasI: true } attribute ? attribute.I : null;

    /// <summary>Builds a tensor <see cref="ValueInfoProto"/>; a null dimension is symbolic (named after its position).</summary>
    public static ValueInfoProto TensorValueInfo(string name, TensorProto.Types.DataType elemType, params long?[] dims)
    {
        var shape = new TensorShapeProto();
        for (var i = 0; i < dims.Length; i++)
            shape.Dim.Add(dims[i] is { } value
                ? new TensorShapeProto.Types.Dimension { DimValue = value }
                : new TensorShapeProto.Types.Dimension { DimParam = $"{name}_dim{i}" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elemType, Shape = shape } },
        };
    }

    /// <summary>
    /// Removes every node, initializer and value_info that no graph output depends on (a backward walk from the outputs).
    /// Nodes with subgraphs (If/Loop) keep everything their subgraphs read from the outer scope.
    /// </summary>
    public static void PruneUnusedNodes(this GraphProto graph)
    {
        var producers = graph.ProducersByOutput();
        var needed = new HashSet<string>(graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        var keptNodes = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<string>(needed);
        while (pending.Count > 0)
        {
            if (!producers.TryGetValue(pending.Pop(), out var node) || !keptNodes.Add(node)) continue;
            foreach (var input in node.Input.Concat(OuterScopeNames(node)))
                if (input.Length > 0 && needed.Add(input))
                    pending.Push(input);
        }

        var nodes = graph.Node.Where(keptNodes.Contains).ToList();
        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        var initializers = graph.Initializer.Where(t => needed.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(initializers);
        var valueInfos = graph.ValueInfo.Where(v => needed.Contains(v.Name)).ToList();
        graph.ValueInfo.Clear();
        graph.ValueInfo.AddRange(valueInfos);
    }

    /// <summary>Every tensor name read anywhere inside the node's subgraphs (a superset of the outer-scope reads, which is safe for pruning).</summary>
    public static IEnumerable<string> OuterScopeNames(NodeProto node)
    {
        foreach (var attribute in node.Attribute)
        {
            var subgraphs = attribute.G is null ? attribute.Graphs : attribute.Graphs.Append(attribute.G);
            foreach (var subgraph in subgraphs)
                foreach (var inner in subgraph.Node)
                {
                    foreach (var input in inner.Input) yield return input;
                    foreach (var name in OuterScopeNames(inner)) yield return name;
                }
        }
    }
}
