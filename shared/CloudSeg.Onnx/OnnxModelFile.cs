using Google.Protobuf;

namespace CloudSeg.Onnx;

/// <summary>Reads and writes ONNX model files (protobuf-encoded <see cref="ModelProto"/>).</summary>
/// <remarks>Google.Protobuf keeps unknown fields, so parts of ONNX this schema does not declare survive a round trip.</remarks>
public static class OnnxModelFile
{
    public static ModelProto Read(string path)
    {
        using var stream = File.OpenRead(path);
        return ModelProto.Parser.ParseFrom(stream);
    }

    public static ModelProto Read(ReadOnlySpan<byte> bytes) => ModelProto.Parser.ParseFrom(bytes);

    public static void Write(ModelProto model, string path)
    {
        using var stream = File.Create(path);
        model.WriteTo(stream);
    }
}
