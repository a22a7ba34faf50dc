using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudSeg.Evaluation.Coco;

/// <summary>Reads and writes the three COCO segmentation encodings (see <see cref="CocoAnnotationSegmentation"/>).</summary>
public sealed class CocoAnnotationSegmentationJsonConverter : JsonConverter<CocoAnnotationSegmentation>
{
    public override CocoAnnotationSegmentation Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        return reader.TokenType switch
        {
            JsonTokenType.StartArray => CocoAnnotationSegmentation.FromPolygons(ReadPolygons(ref reader)),
            JsonTokenType.StartObject => ReadRle(ref reader),
            _ => throw new JsonException($"A segmentation must be a list of polygons or an RLE object, not {reader.TokenType}."),
        };
    }

    private static List<double[]> ReadPolygons(ref Utf8JsonReader reader)
    {
        var polygons = new List<double[]>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException("A polygon segmentation must be a list of [x0, y0, x1, y1, ...] lists.");
            }
            var points = new List<double>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                points.Add(reader.GetDouble());
            }
            polygons.Add([.. points]);
        }
        return polygons;
    }

    private static CocoAnnotationSegmentation ReadRle(ref Utf8JsonReader reader)
    {
        int[]? size = null;
        string? compressed = null;
        long[]? uncompressed = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "size":
                    size = JsonSerializer.Deserialize<int[]>(ref reader);
                    break;
                case "counts" when reader.TokenType == JsonTokenType.String:
                    compressed = reader.GetString();
                    break;
                case "counts":
                    uncompressed = JsonSerializer.Deserialize<long[]>(ref reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (size is not { Length: 2 })
        {
            throw new JsonException("An RLE segmentation needs \"size\": [height, width].");
        }
        if (compressed is not null)
        {
            return CocoAnnotationSegmentation.FromCompressedRle(compressed, size[0], size[1]);
        }
        return uncompressed is not null
            ? CocoAnnotationSegmentation.FromUncompressedRle(uncompressed, size[0], size[1])
            : throw new JsonException("An RLE segmentation needs \"counts\".");
    }

    public override void Write(Utf8JsonWriter writer, CocoAnnotationSegmentation value, JsonSerializerOptions options)
    {
        if (value.Polygons is not null)
        {
            writer.WriteStartArray();
            foreach (var polygon in value.Polygons)
            {
                writer.WriteStartArray();
                foreach (var coordinate in polygon)
                {
                    writer.WriteNumberValue(coordinate);
                }
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
            return;
        }
        writer.WriteStartObject();
        writer.WriteStartArray("size");
        writer.WriteNumberValue(value.Height);
        writer.WriteNumberValue(value.Width);
        writer.WriteEndArray();
        if (value.CompressedCounts is not null)
        {
            writer.WriteString("counts", value.CompressedCounts);
        }
        else
        {
            writer.WriteStartArray("counts");
            foreach (var count in value.UncompressedCounts!)
            {
                writer.WriteNumberValue(count);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }
}
