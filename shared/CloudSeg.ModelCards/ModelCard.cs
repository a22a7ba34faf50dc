using System.Text.Json;
using System.Text.Json.Serialization;
using CloudSeg.Core.Masks;

namespace CloudSeg.ModelCards;

/// <summary>
/// What a model package says about its ONNX graph (<c>model.card.json</c>): architecture, who exported the graph, class
/// names (index 0 is the background), default thresholds, how it scored and how it was trained. The one card type every
/// part of CloudSeg reads and writes.
/// </summary>
public sealed record ModelCard
{
    /// <summary>The network family; absent in cards written before YOLACT and YOLO-seg, which are all Mask R-CNN.</summary>
    [JsonPropertyName("architecture")] public ModelArchitecture Architecture { get; init; } = ModelArchitecture.MaskRcnn;

    /// <summary>Who exported the graph, which fixes its input/output contract: "torchvision", "modelzoo", "cloudseg" or
    /// "ultralytics"; null lets the segmenter detect it from the graph.</summary>
    [JsonPropertyName("format")] public string? Format { get; init; }

    [JsonPropertyName("name")] public string Name { get; init; } = "unnamed";

    [JsonPropertyName("version")] public string Version { get; init; } = "0";

    /// <summary>Class names indexed by the model's label; index 0 is the background.</summary>
    [JsonPropertyName("classes")] public IReadOnlyList<string> Classes { get; init; } = [];

    [JsonPropertyName("input")] public ModelInputSpec? Input { get; init; }

    [JsonPropertyName("score_threshold")] public float? ScoreThreshold { get; init; }

    [JsonPropertyName("mask_threshold")] public float? MaskThreshold { get; init; }

    /// <summary>
    /// How low-resolution masks go back into the image: "aligned" (the map spans the box exactly, as for masks trained
    /// on aligned RoIAlign targets) or "torchvision" (torchvision's paste_masks_in_image); absent means "torchvision".
    /// </summary>
    [JsonPropertyName("mask_paste")] public string? MaskPaste { get; init; }

    /// <summary>The paste geometry of <see cref="MaskPaste"/>; an unknown name is an error rather than a silent guess.</summary>
    public MaskPasteMode MaskPasteMode() => MaskPaste switch
    {
        null or "torchvision" => Core.Masks.MaskPasteMode.Torchvision,
        "aligned" => Core.Masks.MaskPasteMode.Aligned,
        _ => throw new InvalidDataException($"Model card: unknown mask_paste \"{MaskPaste}\" (expected \"aligned\" or \"torchvision\")."),
    };

    /// <summary>The card's name for a paste geometry.</summary>
    public static string MaskPasteName(MaskPasteMode mode) => mode == Core.Masks.MaskPasteMode.Aligned ? "aligned" : "torchvision";

    [JsonPropertyName("metrics")] public ModelMetrics? Metrics { get; init; }

    [JsonPropertyName("training")] public TrainingInfo? Training { get; init; }

    /// <summary>The package's int8 graph, when it has one (<c>cloudseg quantize</c>).</summary>
    [JsonPropertyName("int8")] public Int8GraphInfo? Int8 { get; init; }

    /// <summary>The name for a model label; labels outside the class list get a neutral "class N".</summary>
    public string ClassName(int label) =>
        label >= 0 && label < Classes.Count && !string.IsNullOrWhiteSpace(Classes[label]) ? Classes[label] : $"class {label}";

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static ModelCard Read(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return JsonSerializer.Deserialize<ModelCard>(stream, JsonOptions)
                   ?? throw new InvalidDataException($"Model card {path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Model card {path} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>A card from its JSON text (e.g. a registry blob); <paramref name="source"/> names it in errors.</summary>
    public static ModelCard Parse(string json, string source = "model card")
    {
        try
        {
            return JsonSerializer.Deserialize<ModelCard>(json, JsonOptions)
                   ?? throw new InvalidDataException($"The {source} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The {source} is not a valid model card: {e.Message}", e);
        }
    }

    /// <summary>Like <see cref="Parse"/>, for listings where one malformed card must not hide the others.</summary>
    public static bool TryParse(string json, string source, out ModelCard? card, out string? error)
    {
        try
        {
            (card, error) = (Parse(json, source), null);
            return true;
        }
        catch (InvalidDataException e)
        {
            (card, error) = (null, e.Message);
            return false;
        }
    }

    public void Write(string path)
    {
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, this, JsonOptions);
    }
}

/// <summary>How the graph wants its input, for formats whose preprocessing happens outside the graph (modelzoo).</summary>
public sealed record ModelInputSpec
{
    [JsonPropertyName("layout")] public string? Layout { get; init; }

    /// <summary>"RGB" or "BGR".</summary>
    [JsonPropertyName("color")] public string? Color { get; init; }

    /// <summary>Pixel value range before mean subtraction, e.g. [0,1] or [0,255].</summary>
    [JsonPropertyName("range")] public IReadOnlyList<float>? Range { get; init; }

    /// <summary>Per-channel mean subtracted after scaling, in the graph's channel order.</summary>
    [JsonPropertyName("mean")] public IReadOnlyList<float>? Mean { get; init; }

    /// <summary>Target short side of the resize done before the graph.</summary>
    [JsonPropertyName("min_size")] public int? MinSize { get; init; }

    /// <summary>Cap on the long side of that resize.</summary>
    [JsonPropertyName("max_size")] public int? MaxSize { get; init; }

    /// <summary>The padded input's sides must be multiples of this.</summary>
    [JsonPropertyName("size_divisibility")] public int? SizeDivisibility { get; init; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>COCO evaluation of the model, with and without MaskIoU rescoring.</summary>
public sealed record ModelMetrics
{
    [JsonPropertyName("bbox")] public ApSummary? Bbox { get; init; }

    [JsonPropertyName("segm")] public ApSummary? Segm { get; init; }

    /// <summary>Box AP with scores rescored by the predicted mask IoU (cloudseg models with a MaskIoU head).</summary>
    [JsonPropertyName("bbox_rescored")] public ApSummary? BboxRescored { get; init; }

    /// <summary>Mask AP with scores rescored by the predicted mask IoU.</summary>
    [JsonPropertyName("segm_rescored")] public ApSummary? SegmRescored { get; init; }

    /// <summary>Which data the metrics were measured on (name or digest).</summary>
    [JsonPropertyName("dataset")] public string? Dataset { get; init; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>The COCO summary numbers (pycocotools' stats[0..5]), as fractions in [0,1]; a card may give only some.</summary>
public sealed record ApSummary
{
    [JsonPropertyName("AP")] public double? Ap { get; init; }
    [JsonPropertyName("AP50")] public double? Ap50 { get; init; }
    [JsonPropertyName("AP75")] public double? Ap75 { get; init; }
    [JsonPropertyName("APs")] public double? ApSmall { get; init; }
    [JsonPropertyName("APm")] public double? ApMedium { get; init; }
    [JsonPropertyName("APl")] public double? ApLarge { get; init; }
}

public sealed record TrainingInfo
{
    [JsonPropertyName("data_digest")] public string? DataDigest { get; init; }

    [JsonPropertyName("code_version")] public string? CodeVersion { get; init; }

    [JsonPropertyName("date")] public DateTimeOffset? Date { get; init; }

    /// <summary>The augmentation the model was trained with, in words (absent on cards written before it was recorded).</summary>
    [JsonPropertyName("augmentation")] public string? Augmentation { get; init; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }
}
