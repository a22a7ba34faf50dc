using static TorchSharp.torch;

namespace CloudSeg.Training.Import;

/// <summary>One tensor's header entry: its dtype, shape and byte range within the data section.</summary>
public sealed record SafeTensorEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
}
