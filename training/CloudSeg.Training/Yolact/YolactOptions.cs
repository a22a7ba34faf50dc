using CloudSeg.Training.Backbone;

namespace CloudSeg.Training.Yolact;

/// <summary>
/// Architecture and training constants of a YOLACT (Bolya et al. 2019). Defaults are the paper's YOLACT-550 on
/// ResNet-50; <see cref="Small"/> is the compact variant trained from scratch on CPU. Serialised into checkpoints.
/// </summary>
public sealed record YolactOptions
{
    /// <summary>Including background (index 0).</summary>
    public int NumClasses { get; init; } = 81;
    public ResNetDepth Backbone { get; init; } = ResNetDepth.ResNet50;
    public int BackboneWidth { get; init; } = 64;
    /// <summary>ResNet stages the body keeps: 4 (C3–C5 feed the FPN), or 3 (C3–C4; P5 is P4 subsampled, so P3–P7 keep
    /// the paper's strides 8–128 and the priors stay 3× the stride), as Mask R-CNN's <c>BackboneStages</c>.</summary>
    public int BackboneStages { get; init; } = 4;
    public NormLayer Norm { get; init; } = NormLayer.FrozenBatchNorm;
    public int TrainableBackboneLayers { get; init; } = 3;
    public int FpnChannels { get; init; } = 256;
    /// <summary>Images are resized to ImageSize × ImageSize (no aspect ratio kept, as in the paper).</summary>
    public int ImageSize { get; init; } = 550;
    public double[] ImageMean { get; init; } = { 0.485, 0.456, 0.406 };
    public double[] ImageStd { get; init; } = { 0.229, 0.224, 0.225 };
    /// <summary>One prior scale per level P3–P7, in input pixels: 3× the level's stride, whatever <see cref="ImageSize"/> is
    /// (see <see cref="PriorGenerator"/>).</summary>
    public double[] PriorScales { get; init; } = { 24, 48, 96, 192, 384 };
    public double[] AspectRatios { get; init; } = { 1.0, 0.5, 2.0 };
    /// <summary>k, the number of prototype masks.</summary>
    public int PrototypeCount { get; init; } = 32;
    /// <summary>Width of the protonet's and prediction head's convs.</summary>
    public int HeadChannels { get; init; } = 256;

    public double PositiveIou { get; init; } = 0.5;
    public double NegativeIou { get; init; } = 0.4;
    public int NegativesPerPositive { get; init; } = 3;
    public double BoxLossWeight { get; init; } = 1.5;
    public double MaskLossWeight { get; init; } = 6.125;
    public double SemanticLossWeight { get; init; } = 1.0;
    /// <summary>Positives whose masks enter the mask loss per image (the paper caps them at 100 for memory).</summary>
    public int MaxMaskedPositives { get; init; } = 100;

    public double ScoreThreshold { get; init; } = 0.05;
    public double NmsIouThreshold { get; init; } = 0.5;
    /// <summary>Candidates per class that enter Fast NMS.</summary>
    public int NmsTopK { get; init; } = 200;
    public int MaxDetections { get; init; } = 100;

    /// <summary>The compact model for the shapes dataset: half-width ResNet-18 with batch norm from scratch, 64-channel
    /// FPN and heads, 16 prototypes.</summary>
    public static YolactOptions Small(int numClasses, int imageSize = 320) => new()
    {
        NumClasses = numClasses,
        Backbone = ResNetDepth.ResNet18,
        BackboneWidth = 32,
        Norm = NormLayer.BatchNorm,
        TrainableBackboneLayers = 5,
        FpnChannels = 64,
        HeadChannels = 64,
        PrototypeCount = 16,
        ImageSize = imageSize,
    };
}
