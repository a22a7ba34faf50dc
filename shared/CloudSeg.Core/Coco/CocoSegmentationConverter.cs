using System.Text.Json;
using System.Text.Json.Serialization;
using CloudSeg.Core.Masks;

namespace CloudSeg.Core.Coco;

/// <summary>Reads and writes <see cref="CocoSegmentation"/> in COCO's <c>{"size": [h, w], "counts": ...}</c> shape.</summary>
internal sealed class CocoSegmentationConverter : JsonConverter<CocoSegmentation>
{
    public override CocoSegmentation Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("A COCO segmentation must be an object {\"size\": [h, w], \"counts\": ...}; polygons are not results.");
        int? height = null, width = null;
        string? compressed = null;
        List<long>? uncompressed = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "size":
                    var size = JsonSerializer.Deserialize(ref reader, CocoJsonContext.Default.Int32Array);
                    if (size is not { Length: 2 })
                        throw new JsonException("\"size\" must be [height, width].");
                    (height, width) = (size[0], size[1]);
                    break;
                case "counts" when reader.TokenType == JsonTokenType.String:
                    compressed = reader.GetString();
                    break;
                case "counts" when reader.TokenType == JsonTokenType.StartArray:
                    uncompressed = JsonSerializer.Deserialize(ref reader, CocoJsonContext.Default.ListInt64);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (height is null || width is null || (compressed is null && uncompressed is null))
            throw new JsonException("A COCO segmentation needs \"size\" and \"counts\".");
        try
        {
            return compressed is not null
                ? new CocoSegmentation(height.Value, width.Value, compressed)
                : CocoSegmentation.FromMask(RleMask.FromUncompressed(uncompressed!, height.Value, width.Value));
        }
        catch (ArgumentException e)
        {
            throw new JsonException($"Invalid COCO RLE: {e.Message}", e);
        }
    }

    public override void Write(Utf8JsonWriter writer, CocoSegmentation value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("size");
        writer.WriteNumberValue(value.Height);
        writer.WriteNumberValue(value.Width);
        writer.WriteEndArray();
        writer.WriteString("counts", value.Counts);
        writer.WriteEndObject();
    }
}
