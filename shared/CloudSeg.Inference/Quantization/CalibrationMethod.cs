namespace CloudSeg.Inference.Quantization;

/// <summary>How an activation's int8 range is chosen from what calibration saw.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen: nothing clips, but one outlier widens every step.</summary>
    MinMax,

    /// <summary>The 0.005 % and 99.995 % quantiles of all values seen: rare outliers clip, the common values get finer steps.</summary>
    Percentile,
}

public static class CalibrationMethods
{
    public static string ToCardName(this CalibrationMethod method) => method == CalibrationMethod.MinMax ? "minmax" : "percentile";
}
