namespace CloudSeg.Onnx.Quantization;

/// <summary>Makes inner tensors readable: a copy of the model whose graph also outputs them, so one Run returns the
/// activations calibration and sensitivity measurements need.</summary>
public static class CalibrationOutputs
{
    /// <summary>A copy of <paramref name="model"/> that also outputs <paramref name="tensors"/> (as float tensors of any shape).</summary>
    public static ModelProto Expose(ModelProto model, IEnumerable<string> tensors)
    {
        var copy = model.Clone();
        var outputs = copy.Graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in tensors.Where(outputs.Add))
            copy.Graph.Output.Add(new ValueInfoProto
            {
                Name = tensor,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        return copy;
    }

    /// <summary>The graph's one real input (an input that is not also an initializer).</summary>
    public static string SingleInput(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        return inputs.Count == 1 ? inputs[0].Name : throw new InvalidDataException($"Expected one graph input; the graph has {inputs.Count}.");
    }
}
