using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace CloudSeg.Training.Import;

/// <summary>
/// Reads the safetensors format (the one Hugging Face's `safetensors` package writes): an 8-byte little-endian header
/// length N, N bytes of UTF-8 JSON <c>{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}</c>,
/// then the raw little-endian tensor bytes, offsets relative to the end of the header.
/// </summary>
public sealed class SafeTensorsFile
{
    // The reference implementation refuses headers above 100 MB; a larger length means a corrupt or foreign file.
    private const long MaxHeaderBytes = 100_000_000;

    private static readonly Dictionary<string, (ScalarType Type, int Size)> DTypes = new(StringComparer.Ordinal)
    {
        ["F64"] = (ScalarType.Float64, 8), ["F32"] = (ScalarType.Float32, 4), ["F16"] = (ScalarType.Float16, 2),
        ["BF16"] = (ScalarType.BFloat16, 2), ["I64"] = (ScalarType.Int64, 8), ["I32"] = (ScalarType.Int32, 4),
        ["I16"] = (ScalarType.Int16, 2), ["I8"] = (ScalarType.Int8, 1), ["U8"] = (ScalarType.Byte, 1),
        ["BOOL"] = (ScalarType.Bool, 1),
    };

    private readonly string _path;
    private readonly long _dataStart;

    private SafeTensorsFile(string path, long dataStart, IReadOnlyList<SafeTensorEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        _path = path;
        _dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>The tensors in data order.</summary>
    public IReadOnlyList<SafeTensorEntry> Entries { get; }

    /// <summary>The optional free-form string map stored under <c>__metadata__</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads and validates the header only; tensor data is read by <see cref="ReadTensor"/> / <see cref="ReadAll"/>.</summary>
    public static SafeTensorsFile Open(string path)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; this reader needs a little-endian machine.");
        using var stream = File.OpenRead(path);
        var lengthBytes = new byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
            throw new SafeTensorsFormatException($"{path}: shorter than the 8-byte header length.");
        var headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || headerLength > stream.Length - 8)
            throw new SafeTensorsFormatException($"{path}: header length {headerLength} is impossible for a file of {stream.Length} bytes.");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        var dataLength = stream.Length - 8 - headerLength;
        var (entries, metadata) = ParseHeader(path, header, dataLength);
        return new SafeTensorsFile(path, 8 + headerLength, entries, metadata);
    }

    /// <summary>Reads one tensor into a new CPU tensor of the stored dtype.</summary>
    public Tensor ReadTensor(SafeTensorEntry entry)
    {
        using var stream = File.OpenRead(_path);
        return ReadTensor(stream, entry);
    }

    /// <summary>Reads every tensor, keyed by name, each in its stored dtype.</summary>
    public Dictionary<string, Tensor> ReadAll()
    {
        using var stream = File.OpenRead(_path);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var entry in Entries)
            tensors[entry.Name] = ReadTensor(stream, entry);
        return tensors;
    }

    private Tensor ReadTensor(FileStream stream, SafeTensorEntry entry)
    {
        var tensor = empty(entry.Shape, entry.DType);
        if (entry.ByteLength == 0) return tensor;
        var buffer = new byte[entry.ByteLength];
        stream.Position = _dataStart + entry.Begin;
        stream.ReadExactly(buffer);
        tensor.bytes = buffer;
        return tensor;
    }

    private static (List<SafeTensorEntry>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException($"{path}: the header is not valid JSON ({e.Message}).");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new SafeTensorsFormatException($"{path}: the header must be a JSON object.");
            var entries = new List<SafeTensorEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    foreach (var item in property.Value.EnumerateObject())
                        metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String
                            ? item.Value.GetString()!
                            : throw new SafeTensorsFormatException($"{path}: metadata value '{item.Name}' is not a string.");
                    continue;
                }
                entries.Add(ParseEntry(path, property));
            }

            entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            ValidateLayout(path, entries, dataLength);
            return (entries, metadata);
        }
    }

    private static SafeTensorEntry ParseEntry(string path, JsonProperty property)
    {
        try
        {
            var value = property.Value;
            var dtypeName = value.GetProperty("dtype").GetString() ?? "";
            if (!DTypes.TryGetValue(dtypeName, out var dtype))
                throw new SafeTensorsFormatException($"{path}: tensor '{property.Name}' has unsupported dtype '{dtypeName}'.");
            var shape = value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (offsets.Length != 2 || shape.Any(d => d < 0))
                throw new SafeTensorsFormatException($"{path}: tensor '{property.Name}' has a malformed shape or data_offsets.");
            var entry = new SafeTensorEntry(property.Name, dtype.Type, shape, offsets[0], offsets[1]);
            var expectedBytes = shape.Aggregate(1L, (product, d) => checked(product * d)) * dtype.Size;
            if (entry.ByteLength != expectedBytes)
                throw new SafeTensorsFormatException(
                    $"{path}: tensor '{property.Name}' spans {entry.ByteLength} bytes but {dtypeName}[{string.Join(",", shape)}] needs {expectedBytes}.");
            return entry;
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new SafeTensorsFormatException($"{path}: tensor '{property.Name}' has a malformed header entry ({e.Message}).");
        }
    }

    /// <summary>Tensors must lie inside the data section without overlapping (the writer packs them in order).</summary>
    private static void ValidateLayout(string path, List<SafeTensorEntry> entries, long dataLength)
    {
        long previousEnd = 0;
        foreach (var entry in entries)
        {
            if (entry.Begin < previousEnd || entry.End > dataLength)
                throw new SafeTensorsFormatException(
                    $"{path}: tensor '{entry.Name}' bytes [{entry.Begin}, {entry.End}) overlap another tensor or run past the {dataLength}-byte data section.");
            previousEnd = entry.End;
        }
    }
}
