using CloudSeg.Core.Masks;

namespace CloudSeg.Training.Detection;

/// <summary>Box, mask and MaskIoU head hyper-parameters; defaults are torchvision's Mask R-CNN ones.</summary>
public sealed record RoIHeadsOptions
{
    public double ForegroundIouThreshold { get; init; } = 0.5;
    public double BackgroundIouThreshold { get; init; } = 0.5;
    public int BatchSizePerImage { get; init; } = 512;
    public double PositiveFraction { get; init; } = 0.25;
    public double ScoreThreshold { get; init; } = 0.05;
    public double NmsThreshold { get; init; } = 0.5;
    public int DetectionsPerImage { get; init; } = 100;
    public int RepresentationSize { get; init; } = 1024;
    /// <summary>3×3 conv layers before the box head's one FC (FastRCNNConvFCHead, maskrcnn_resnet50_fpn_v2: 4);
    /// 0 gives the two-FC TwoMLPHead of maskrcnn_resnet50_fpn.</summary>
    public int BoxHeadConvLayers { get; init; }
    public int BoxHeadConvChannels { get; init; } = 256;
    /// <summary>Batch norm after each conv of the box and mask heads (maskrcnn_resnet50_fpn_v2).</summary>
    public bool HeadsBatchNorm { get; init; }
    public int MaskLayerChannels { get; init; } = 256;
    public int MaskLayers { get; init; } = 4;
    public int MaskDimReduced { get; init; } = 256;
    public bool MaskIouHead { get; init; } = true;
    public int MaskIouConvChannels { get; init; } = 256;
    public int MaskIouFcChannels { get; init; } = 1024;
    /// <summary>Half-pixel-aligned RoIAlign; false reproduces torchvision's legacy pooling exactly.</summary>
    public bool AlignedRoIAlign { get; init; } = true;
    public const int BoxRoiSize = 7, MaskRoiSize = 14, SamplingRatio = 2;
    /// <summary>RoIAlign's samples per bin side when detecting (box and mask pooling); null: <see cref="SamplingRatio"/>,
    /// as trained. Training always samples 2×2; 1 quarters the box branch's pooling, an export-time speed setting.</summary>
    public int? InferenceSamplingRatio { get; init; }

    /// <summary>How the predicted masks go back into the image: in the geometry their RoIAlign targets were cut in.</summary>
    public MaskPasteMode MaskPasteMode() => AlignedRoIAlign ? Core.Masks.MaskPasteMode.Aligned : Core.Masks.MaskPasteMode.Torchvision;
}
