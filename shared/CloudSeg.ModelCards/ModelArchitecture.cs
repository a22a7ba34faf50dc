using System.Text.Json.Serialization;

namespace CloudSeg.ModelCards;

/// <summary>
/// Which network family a package's graph is, independent of who exported it (the card's <c>format</c>): it decides
/// how the graph's outputs become instances. Cards written before the field existed are Mask R-CNN.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelArchitecture>))]
public enum ModelArchitecture
{
    /// <summary>Two-stage: boxes, labels, scores and per-RoI masks (He et al. 2017).</summary>
    [JsonStringEnumMemberName("mask_rcnn")] MaskRcnn,

    /// <summary>One-stage with prototype masks and per-instance coefficients (Bolya et al. 2019).</summary>
    [JsonStringEnumMemberName("yolact")] Yolact,

    /// <summary>Ultralytics YOLOv8/YOLO11-seg: anchor-free boxes and class scores with YOLACT-style prototype masks.</summary>
    [JsonStringEnumMemberName("yolo_seg")] YoloSeg,
}

public static class ModelArchitectures
{
    /// <summary>The spelling used in model cards and on the command line.</summary>
    public static string ToCardName(this ModelArchitecture architecture) => architecture switch
    {
        ModelArchitecture.MaskRcnn => "mask_rcnn",
        ModelArchitecture.Yolact => "yolact",
        ModelArchitecture.YoloSeg => "yolo_seg",
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, null),
    };

    public static ModelArchitecture Parse(string name) => name.Trim().ToLowerInvariant().Replace('-', '_') switch
    {
        "mask_rcnn" or "maskrcnn" => ModelArchitecture.MaskRcnn,
        "yolact" => ModelArchitecture.Yolact,
        "yolo_seg" or "yoloseg" => ModelArchitecture.YoloSeg,
        _ => throw new FormatException($"Unknown model architecture '{name}'; expected mask_rcnn, yolact or yolo_seg."),
    };
}
