namespace CloudSeg.Training.Detection;

/// <summary>RPN hyper-parameters; defaults are torchvision's Mask R-CNN ones.</summary>
public sealed record RpnOptions
{
    public int PreNmsTopNTrain { get; init; } = 2000;
    public int PreNmsTopNTest { get; init; } = 1000;
    public int PostNmsTopNTrain { get; init; } = 2000;
    public int PostNmsTopNTest { get; init; } = 1000;
    public double NmsThreshold { get; init; } = 0.7;
    public double ForegroundIouThreshold { get; init; } = 0.7;
    public double BackgroundIouThreshold { get; init; } = 0.3;
    public int BatchSizePerImage { get; init; } = 256;
    public double PositiveFraction { get; init; } = 0.5;
    public double ScoreThreshold { get; init; } = 0.0;
    public double MinSize { get; init; } = 1e-3;
    /// <summary>3×3 conv + ReLU layers of the RPN head before its two 1×1 predictors (torchvision's conv_depth; v2: 2).</summary>
    public int ConvDepth { get; init; } = 1;
}
