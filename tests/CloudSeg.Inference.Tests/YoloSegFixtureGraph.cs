using CloudSeg.Onnx;
using Google.Protobuf;
using DataType = CloudSeg.Onnx.TensorProto.Types.DataType;

namespace CloudSeg.Inference.Tests;

/// <summary>
/// Writes a small graph to Ultralytics' documented YOLO-seg export contract (no Ultralytics code): <c>images</c>
/// [1,3,640,640] → <c>output0</c> [1,4+2+32,4] and <c>output1</c> [1,32,160,160], class names in metadata <c>names</c>.
/// Its answers are known in closed form, so tests can check our letterbox and mask assembly against them:
/// <list type="bullet">
/// <item>prototype 0 is 20·(red − 0.5) average-pooled 4×4 over the input, the other 31 are zero; every candidate's
/// coefficients are (1, 0, …), so a mask is "red &gt; 0.5" inside the candidate's box — a white area of the picture,
/// seen through the letterbox, whose grey 114 frame stays below 0.5;</item>
/// <item>class scores are fixed values times s = clip(2·(max red − 0.5), 0, 1): 1 when the picture has a white pixel,
/// 0 for a dark picture (zero detections);</item>
/// <item>the candidates' boxes are fixed in input pixels (<see cref="Candidates"/>).</item>
/// </list>
/// </summary>
public static class YoloSegFixtureGraph
{
    public const int Side = 640, Classes = 2, Prototypes = 32;

    public static readonly string[] Names = ["circle", "it's a square"];

    /// <summary>Centre x, centre y, width, height in input pixels; class; its score when the picture has white.</summary>
    public static readonly (float Cx, float Cy, float W, float H, int Class, float Score)[] Candidates =
    [
        (320, 320, 320, 160, 0, 0.9f),
        (322, 318, 316, 160, 0, 0.8f), // overlaps the first at IoU ≈ 0.96: NMS removes it
        (400, 300, 80, 80, 1, 0.6f),
        (100, 100, 40, 40, 1, 0.1f), // under the default threshold 0.25
    ];

    public static void Write(string path)
    {
        var graph = new GraphProto { Name = "yolo-seg-fixture" };
        graph.Input.Add(GraphEditing.TensorValueInfo("images", DataType.Float, 1, 3, Side, Side));
        graph.Output.Add(GraphEditing.TensorValueInfo("output0", DataType.Float, 1, 4 + Classes + Prototypes, Candidates.Length));
        graph.Output.Add(GraphEditing.TensorValueInfo("output1", DataType.Float, 1, Prototypes, Side / 4, Side / 4));

        Int64s(graph, "zero", [0]);
        Int64s(graph, "one", [1]);
        Floats(graph, "half", [0.5f], []);
        Floats(graph, "two", [2f], []);
        Floats(graph, "gain", [20f], []);
        Floats(graph, "lo", [0f], []);
        Floats(graph, "hi", [1f], []);
        Int64s(graph, "pads", [0, 0, 0, 0, 0, Prototypes - 1, 0, 0]);
        Int64s(graph, "score_shape", [1, 1, 1]);

        var rows = 4 + Classes + Prototypes;
        var n = Candidates.Length;
        var fixedPart = new float[rows * n];
        var scorePart = new float[rows * n];
        for (var i = 0; i < n; i++)
        {
            var (cx, cy, w, h, cls, score) = Candidates[i];
            fixedPart[0 * n + i] = cx;
            fixedPart[1 * n + i] = cy;
            fixedPart[2 * n + i] = w;
            fixedPart[3 * n + i] = h;
            scorePart[(4 + cls) * n + i] = score;
            fixedPart[(4 + Classes) * n + i] = 1f; // coefficient of prototype 0
        }
        Floats(graph, "fixed", fixedPart, [1, rows, n]);
        Floats(graph, "scores", scorePart, [1, rows, n]);

        Node(graph, "Slice", ["images", "zero", "one", "one"], "red");
        Node(graph, "AveragePool", ["red"], "pooled",
            Ints("kernel_shape", 4, 4), Ints("strides", 4, 4));
        Node(graph, "Sub", ["pooled", "half"], "centred");
        Node(graph, "Mul", ["centred", "gain"], "proto0");
        Node(graph, "Pad", ["proto0", "pads"], "output1");
        Node(graph, "ReduceMax", ["red"], "max_red", new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        Node(graph, "Sub", ["max_red", "half"], "above");
        Node(graph, "Mul", ["above", "two"], "doubled");
        Node(graph, "Clip", ["doubled", "lo", "hi"], "s4");
        Node(graph, "Reshape", ["s4", "score_shape"], "s");
        Node(graph, "Mul", ["scores", "s"], "live_scores");
        Node(graph, "Add", ["fixed", "live_scores"], "output0");

        var model = new ModelProto { IrVersion = 8, ProducerName = "cloudseg-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        model.MetadataProps.Add(new StringStringEntryProto
        {
            Key = "names",
            Value = "{" + string.Join(", ", Names.Select((name, i) => $"{i}: {PythonString(name)}")) + "}",
        });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "task", Value = "segment" });
        OnnxModelFile.Write(model, path);
    }

    /// <summary>As Python's repr: single quotes unless the text holds one.</summary>
    private static string PythonString(string text) => text.Contains('\'') ? $"\"{text}\"" : $"'{text}'";

    private static void Node(GraphProto graph, string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output + "_" + op };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
    }

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static void Floats(GraphProto graph, string name, float[] values, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.AddRange(dims);
        graph.Initializer.Add(tensor);
    }

    private static void Int64s(GraphProto graph, string name, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Int64, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.Add(values.Length);
        graph.Initializer.Add(tensor);
    }
}
