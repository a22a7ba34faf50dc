using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudSeg.Storage;

/// <summary>
/// <c>results/&lt;blob path&gt;/result.json</c>: everything one segmentation produced. Instances use COCO results
/// conventions (bbox = [x, y, w, h] in pixels of the upright image, segmentation = compressed RLE) so the file feeds
/// COCO tools directly.
/// </summary>
public sealed record ResultDocument
{
    public const string CurrentSchema = "cloudseg.result/1";

    [JsonPropertyName("schema")] public string Schema { get; init; } = CurrentSchema;
    [JsonPropertyName("source")] public required ResultSource Source { get; init; }
    [JsonPropertyName("image")] public required ResultImage Image { get; init; }
    [JsonPropertyName("model")] public required ResultModel Model { get; init; }
    [JsonPropertyName("instances")] public required IReadOnlyList<ResultInstance> Instances { get; init; }

    /// <summary>Milliseconds per stage: download, decode, preprocess, inference, postprocess, render, upload, total…</summary>
    [JsonPropertyName("timings_ms")] public required IReadOnlyDictionary<string, double> TimingsMs { get; init; }

    [JsonPropertyName("processed_at")] public DateTimeOffset ProcessedAt { get; init; }

    /// <summary>Delivery number of the request message that produced this result (1 = first try).</summary>
    [JsonPropertyName("attempt")] public int Attempt { get; init; }

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);

    public static ResultDocument FromJson(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<ResultDocument>(utf8, JsonOptions) ?? throw new FormatException("Empty result.json.");
}

/// <summary>The uploaded blob the result belongs to (its version = ETag).</summary>
public sealed record ResultSource(
    [property: JsonPropertyName("container")] string Container,
    [property: JsonPropertyName("blob")] string Blob,
    [property: JsonPropertyName("etag")] string ETag,
    [property: JsonPropertyName("content_type")] string? ContentType,
    [property: JsonPropertyName("content_length")] long ContentLength);

/// <summary>Size of the decoded, upright image (after EXIF orientation) and the format it was stored in.</summary>
public sealed record ResultImage(
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("height")] int Height,
    [property: JsonPropertyName("format")] string? Format);

/// <summary>The model that produced the result.</summary>
public sealed record ResultModel(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("execution_provider")] string ExecutionProvider,
    [property: JsonPropertyName("mask_iou_rescoring")] bool MaskIouRescoring);

/// <summary>One detected instance.</summary>
public sealed record ResultInstance(
    [property: JsonPropertyName("category_id")] int CategoryId,
    [property: JsonPropertyName("class")] string ClassName,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("mask_iou")] double? MaskIou,
    [property: JsonPropertyName("bbox")] double[] Bbox,
    [property: JsonPropertyName("area")] long Area,
    [property: JsonPropertyName("segmentation")] ResultRle Segmentation);

/// <summary>COCO compressed RLE: <c>size</c> = [height, width], <c>counts</c> = pycocotools' string encoding.</summary>
public sealed record ResultRle(
    [property: JsonPropertyName("size")] int[] Size,
    [property: JsonPropertyName("counts")] string Counts);
