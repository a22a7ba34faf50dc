using CloudSeg.Training.Backbone;

namespace CloudSeg.Training.Detection;

/// <summary>
/// Architecture of a Mask R-CNN. Defaults are torchvision's maskrcnn_resnet50_fpn (plus the MaskIoU head);
/// <see cref="Small"/> is the compact variant we train from scratch on CPU.
/// Serialised into checkpoints and model cards, so a model can always be rebuilt exactly.
/// </summary>
public sealed record MaskRcnnOptions
{
    /// <summary>Including background (index 0).</summary>
    public int NumClasses { get; init; } = 91;
    public ResNetDepth Backbone { get; init; } = ResNetDepth.ResNet50;
    public int BackboneWidth { get; init; } = 64;
    /// <summary>ResNet stages the body keeps: 4 (C2–C5), or 3 (C2–C4; P5 and P6 subsampled from P4) to halve a
    /// full-width ResNet-18's size.</summary>
    public int BackboneStages { get; init; } = 4;
    public NormLayer Norm { get; init; } = NormLayer.FrozenBatchNorm;
    /// <summary>How many of conv1, layer1 … layer4 train (counted from layer4), as torchvision's trainable_layers.</summary>
    public int TrainableBackboneLayers { get; init; } = 3;
    public int FpnChannels { get; init; } = 256;
    /// <summary>Batch norm after the FPN's lateral and output convs (maskrcnn_resnet50_fpn_v2).</summary>
    public bool FpnBatchNorm { get; init; }
    public int MinSize { get; init; } = 800;
    public int MaxSize { get; init; } = 1333;
    public double[] ImageMean { get; init; } = { 0.485, 0.456, 0.406 };
    public double[] ImageStd { get; init; } = { 0.229, 0.224, 0.225 };
    /// <summary>One anchor size per pyramid level P2–P6.</summary>
    public double[] AnchorSizes { get; init; } = { 32, 64, 128, 256, 512 };
    public double[] AspectRatios { get; init; } = { 0.5, 1.0, 2.0 };
    public RpnOptions Rpn { get; init; } = new();
    public RoIHeadsOptions RoIHeads { get; init; } = new();

    /// <summary>
    /// The compact model for small images (the shapes dataset): a half-width ResNet with batch norm learned from
    /// scratch, a 64-channel FPN, smaller heads and anchors, fewer proposals. About 4.7 M parameters (≈ 19 MB ONNX).
    /// </summary>
    public static MaskRcnnOptions Small(int numClasses, ResNetDepth backbone = ResNetDepth.ResNet18, int imageSize = 320) => new()
    {
        NumClasses = numClasses,
        Backbone = backbone,
        BackboneWidth = 32,
        Norm = NormLayer.BatchNorm,
        TrainableBackboneLayers = 5,
        FpnChannels = 64,
        MinSize = imageSize,
        MaxSize = imageSize,
        AnchorSizes = new double[] { 16, 32, 64, 128, 256 },
        Rpn = new RpnOptions { PreNmsTopNTrain = 1000, PostNmsTopNTrain = 500, PreNmsTopNTest = 500, PostNmsTopNTest = 300 },
        RoIHeads = new RoIHeadsOptions
        {
            // Shapes images hold a handful of objects: 128 RoIs (≤ 32 positives) per image carry the same signal as
            // 512 at a quarter of the RoIAlign and head cost.
            BatchSizePerImage = 128,
            RepresentationSize = 256,
            MaskLayerChannels = 64,
            MaskDimReduced = 64,
            MaskIouConvChannels = 64,
            MaskIouFcChannels = 128,
        },
    };
}
