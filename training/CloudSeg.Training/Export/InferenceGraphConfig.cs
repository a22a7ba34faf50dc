using System.Text.Json;
using System.Text.Json.Serialization;
using CloudSeg.Training.Detection;

namespace CloudSeg.Training.Export;

/// <summary>
/// The inference-time hyper-parameters baked into an exported Mask R-CNN graph (torchvision's names and defaults).
/// The architecture itself (block type, depths, widths, class count) is read from the weights' shapes.
/// </summary>
public sealed record InferenceGraphConfig
{
    [JsonPropertyName("min_size")] public int MinSize { get; init; } = 800;
    [JsonPropertyName("max_size")] public int MaxSize { get; init; } = 1333;
    [JsonPropertyName("image_mean")] public float[] ImageMean { get; init; } = [0.485f, 0.456f, 0.406f];
    [JsonPropertyName("image_std")] public float[] ImageStd { get; init; } = [0.229f, 0.224f, 0.225f];

    /// <summary>Batched images are zero-padded at the bottom/right to a multiple of this (the coarsest FPN stride).</summary>
    [JsonPropertyName("size_divisible")] public int SizeDivisible { get; init; } = 32;

    /// <summary>One anchor size per FPN level (P2–P6), each combined with every aspect ratio (height / width).</summary>
    [JsonPropertyName("anchor_sizes")] public float[] AnchorSizes { get; init; } = [32, 64, 128, 256, 512];
    [JsonPropertyName("aspect_ratios")] public float[] AspectRatios { get; init; } = [0.5f, 1.0f, 2.0f];

    [JsonPropertyName("rpn_pre_nms_top_n_test")] public int RpnPreNmsTopN { get; init; } = 1000;
    [JsonPropertyName("rpn_post_nms_top_n_test")] public int RpnPostNmsTopN { get; init; } = 1000;
    [JsonPropertyName("rpn_nms_thresh")] public float RpnNmsThreshold { get; init; } = 0.7f;
    [JsonPropertyName("rpn_score_thresh")] public float RpnScoreThreshold { get; init; } = 0.0f;

    /// <summary>Proposals narrower or lower than this (pixels) are dropped.</summary>
    [JsonPropertyName("rpn_min_size")] public float RpnMinSize { get; init; } = 1e-3f;

    /// <summary>
    /// RoIAlign's half-pixel correction. CloudSeg's models use aligned=True (Mask R-CNN's intent); torchvision's
    /// MultiScaleRoIAlign calls roi_align with its default aligned=False, so models trained by torchvision need false.
    /// </summary>
    [JsonPropertyName("roi_align_aligned")] public bool RoIAlignAligned { get; init; } = true;

    /// <summary>RoIAlign's samples per bin side (torchvision: 2).</summary>
    [JsonPropertyName("roi_align_sampling_ratio")] public int RoIAlignSamplingRatio { get; init; } = RoIHeadsOptions.SamplingRatio;

    [JsonPropertyName("box_score_thresh")] public float BoxScoreThreshold { get; init; } = 0.05f;
    [JsonPropertyName("box_nms_thresh")] public float BoxNmsThreshold { get; init; } = 0.5f;
    [JsonPropertyName("box_detections_per_img")] public int DetectionsPerImage { get; init; } = 100;

    /// <summary>Strided backbone convolutions and the stem's max pool pad one less at the end (<see cref="Backbone.ResNetLayout"/>).</summary>
    [JsonPropertyName("backbone_pads_less_at_end")] public bool BackbonePadsLessAtEnd { get; init; }

    /// <summary>FrozenBatchNorm2d's epsilon (torchvision: 1e-5), folded into the preceding convolution.</summary>
    [JsonPropertyName("batch_norm_eps")] public float BatchNormEpsilon { get; init; } = 1e-5f;

    /// <summary>The inference settings of one of our models.</summary>
    public static InferenceGraphConfig From(MaskRcnnOptions options) => new()
    {
        MinSize = options.MinSize,
        MaxSize = options.MaxSize,
        ImageMean = options.ImageMean.Select(v => (float)v).ToArray(),
        ImageStd = options.ImageStd.Select(v => (float)v).ToArray(),
        AnchorSizes = options.AnchorSizes.Select(v => (float)v).ToArray(),
        AspectRatios = options.AspectRatios.Select(v => (float)v).ToArray(),
        RpnPreNmsTopN = options.Rpn.PreNmsTopNTest,
        RpnPostNmsTopN = options.Rpn.PostNmsTopNTest,
        RpnNmsThreshold = (float)options.Rpn.NmsThreshold,
        RpnScoreThreshold = (float)options.Rpn.ScoreThreshold,
        RpnMinSize = (float)options.Rpn.MinSize,
        RoIAlignAligned = options.RoIHeads.AlignedRoIAlign,
        RoIAlignSamplingRatio = options.RoIHeads.InferenceSamplingRatio ?? RoIHeadsOptions.SamplingRatio,
        BoxScoreThreshold = (float)options.RoIHeads.ScoreThreshold,
        BoxNmsThreshold = (float)options.RoIHeads.NmsThreshold,
        DetectionsPerImage = options.RoIHeads.DetectionsPerImage,
        BackbonePadsLessAtEnd = Backbone.ResNetLayout.Of(options.Backbone).PadsLessAtEnd,
    };

    public static InferenceGraphConfig FromJson(string json) =>
        JsonSerializer.Deserialize<InferenceGraphConfig>(json) ?? throw new JsonException("empty inference graph config");
}
