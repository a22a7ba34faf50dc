using CloudSeg.Onnx;
using Google.Protobuf;
using AttributeType = CloudSeg.Onnx.AttributeProto.Types.AttributeType;

namespace CloudSeg.Training.Export;

/// <summary>Typed constructors for node attributes.</summary>
public static class OnnxAttribute
{
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
