using CloudSeg.Onnx;

namespace CloudSeg.Inference;

/// <summary>A graph input or output: name, ONNX element type and dimensions (null where symbolic or unknown).</summary>
public sealed record TensorSignature(string Name, TensorProto.Types.DataType ElementType, IReadOnlyList<long?> Dims)
{
    public int Rank => Dims.Count;

    public bool IsFloat => ElementType == TensorProto.Types.DataType.Float;

    public bool IsInteger => ElementType is TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Int32;

    public override string ToString() =>
        $"{Name}: {ElementType.ToString().ToLowerInvariant()}[{string.Join(",", Dims.Select(d => d?.ToString() ?? "?"))}]";

    public static TensorSignature From(ValueInfoProto value)
    {
        var tensor = value.Type?.TensorType;
        var dims = tensor?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : (long?)null).ToArray() ?? [];
        return new TensorSignature(value.Name, (TensorProto.Types.DataType)(tensor?.ElemType ?? 0), dims);
    }
}

/// <summary>The real inputs (initializers excluded, as old IR versions list them too) and the outputs of a graph.</summary>
public sealed record GraphSignature(IReadOnlyList<TensorSignature> Inputs, IReadOnlyList<TensorSignature> Outputs)
{
    public static GraphSignature Of(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return new GraphSignature(
            graph.Input.Where(i => !initializers.Contains(i.Name)).Select(TensorSignature.From).ToList(),
            graph.Output.Select(TensorSignature.From).ToList());
    }

    public override string ToString() =>
        $"inputs [{string.Join("; ", Inputs)}], outputs [{string.Join("; ", Outputs)}]";
}
