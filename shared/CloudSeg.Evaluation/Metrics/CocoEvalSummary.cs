namespace CloudSeg.Evaluation.Metrics;

/// <summary>
/// pycocotools' 12 summary numbers (<c>COCOeval.stats</c>), in its order; -1 where there was nothing to evaluate.
/// </summary>
public sealed record CocoEvalSummary(IouType IouType, IReadOnlyList<double> Stats)
{
    /// <summary>The stats' names, as COCO reports print them.</summary>
    public static readonly IReadOnlyList<string> StatNames =
        ["AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl"];

    public double AP => Stats[0];
    public double AP50 => Stats[1];
    public double AP75 => Stats[2];
    public double APSmall => Stats[3];
    public double APMedium => Stats[4];
    public double APLarge => Stats[5];
    public double AR1 => Stats[6];
    public double AR10 => Stats[7];
    public double AR100 => Stats[8];
    public double ARSmall => Stats[9];
    public double ARMedium => Stats[10];
    public double ARLarge => Stats[11];

    /// <summary>The stats by name (AP, AP50, ... ARl), e.g. for a model card's metrics.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary() =>
        StatNames.Zip(Stats).ToDictionary(p => p.First, p => p.Second);
}
