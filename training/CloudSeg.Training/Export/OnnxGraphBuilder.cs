using CloudSeg.Onnx;
using Google.Protobuf;
using TorchSharp;
using static TorchSharp.torch;
using DataType = CloudSeg.Onnx.TensorProto.Types.DataType;

namespace CloudSeg.Training.Export;

/// <summary>
/// Builds one ONNX graph: inputs, outputs, initializers (from TorchSharp tensors or constants) and nodes, with
/// generated unique value names. Op helpers live in <see cref="OnnxOps"/>; module emitters call those.
/// </summary>
public sealed class OnnxGraphBuilder
{
    /// <summary>Opset 17: RoiAlign's coordinate_transformation_mode (16), ReduceMax with axes attribute (&lt; 18).</summary>
    public const int Opset = 17;

    // IR version 8 is what opset 17 was released with; ORT accepts it.
    private const int IrVersion = 8;

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _constantsByKey = new(StringComparer.Ordinal);
    private int _counter;

    public OnnxGraphBuilder(string graphName) => _graph = new GraphProto { Name = graphName };

    public string Input(string name, DataType type, params long?[] dims)
    {
        Reserve(name);
        _graph.Input.Add(GraphEditing.TensorValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> as a graph output called <paramref name="name"/> (renaming via Identity).</summary>
    public void Output(string value, string name, DataType type, params long?[] dims)
    {
        Reserve(name);
        AddNode("Identity", [value], [name]);
        _graph.Output.Add(GraphEditing.TensorValueInfo(name, type, dims));
    }

    /// <summary>Adds a float32 initializer holding a copy of the tensor (converted to float32 on the CPU).</summary>
    public string Initializer(string name, Tensor tensor)
    {
        using var values = tensor.detach().to(CPU).to_type(ScalarType.Float32).contiguous();
        var proto = new TensorProto { Name = Unique(name), DataType = (int)DataType.Float, RawData = ByteString.CopyFrom(values.bytes) };
        proto.Dims.AddRange(values.shape);
        _graph.Initializer.Add(proto);
        return proto.Name;
    }

    /// <summary>A float32 constant; equal constants are shared.</summary>
    public string Constant(float[] values, params long[] dims) =>
        Constant(DataType.Float, dims, "f:" + string.Join(",", values.Select(v => BitConverter.SingleToInt32Bits(v))),
            p => p.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())));

    /// <summary>An int64 constant; equal constants are shared.</summary>
    public string Constant(long[] values, params long[] dims) =>
        Constant(DataType.Int64, dims, "i:" + string.Join(",", values),
            p => p.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())));

    public string Scalar(float value) => Constant([value]);

    public string Scalar(long value) => Constant([value]);

    /// <summary>A 1-D int64 vector, the form shape-like ONNX inputs (axes, sizes, pads) take.</summary>
    public string Vector(params long[] values) => Constant(values, values.Length);

    public string Node(string opType, string[] inputs, params AttributeProto[] attributes) =>
        Node(opType, inputs, 1, attributes)[0];

    public string[] Node(string opType, string[] inputs, int outputCount, params AttributeProto[] attributes)
    {
        var outputs = Enumerable.Range(0, outputCount).Select(_ => Unique(opType.ToLowerInvariant())).ToArray();
        AddNode(opType, inputs, outputs, attributes);
        return outputs;
    }

    /// <summary>The finished model; <paramref name="metadata"/> goes to the model's metadata_props.</summary>
    public ModelProto Build(string producerVersion, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "CloudSeg.Training",
            ProducerVersion = producerVersion,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private string Constant(DataType type, long[] dims, string key, Action<TensorProto> fill)
    {
        key = $"{key}|{string.Join(",", dims)}";
        if (_constantsByKey.TryGetValue(key, out var existing)) return existing;
        var proto = new TensorProto { Name = Unique("const"), DataType = (int)type };
        proto.Dims.AddRange(dims);
        fill(proto);
        _graph.Initializer.Add(proto);
        _constantsByKey[key] = proto.Name;
        return proto.Name;
    }

    private void AddNode(string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
    }

    private string Unique(string stem)
    {
        var name = stem;
        while (!_names.Add(name)) name = $"{stem}_{++_counter}";
        return name;
    }

    private void Reserve(string name)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"ONNX value name '{name}' is already used.");
    }
}
