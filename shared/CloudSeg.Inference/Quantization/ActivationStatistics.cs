using CloudSeg.Onnx.Quantization;

namespace CloudSeg.Inference.Quantization;

/// <summary>
/// What calibration saw of one activation tensor: its extremes (first pass) and a histogram of its values over those
/// extremes (second pass), from which <see cref="CalibrationMethod.Percentile"/> ranges are read.
/// </summary>
internal sealed class ActivationStatistics
{
    private const int Bins = 2048;

    /// <summary>Fraction of the values left outside the range at each end by the percentile method.</summary>
    public const double PercentileTail = 0.00005;

    private long[]? _histogram;
    private long _count;

    public float Min { get; private set; } = float.PositiveInfinity;
    public float Max { get; private set; } = float.NegativeInfinity;

    public void AddExtremes(ReadOnlySpan<float> values)
    {
        float min = Min, max = Max;
        foreach (var value in values)
        {
            if (value < min) min = value;
            if (value > max) max = value;
        }
        (Min, Max) = (min, max);
    }

    public void AddToHistogram(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty || !(Max > Min)) return;
        _histogram ??= new long[Bins];
        var scale = Bins / (Max - Min);
        foreach (var value in values)
            _histogram[Math.Clamp((int)((value - Min) * scale), 0, Bins - 1)]++;
        _count += values.Length;
    }

    public ActivationRange Range(CalibrationMethod method)
    {
        if (!float.IsFinite(Min) || !float.IsFinite(Max)) return new ActivationRange(0, 0);
        if (method == CalibrationMethod.MinMax || _histogram is null) return new ActivationRange(Min, Max);
        var width = (Max - Min) / Bins;
        var tail = (long)(PercentileTail * _count);
        int low = 0, high = Bins - 1;
        for (long seen = 0; low < Bins - 1 && seen + _histogram[low] <= tail; low++) seen += _histogram[low];
        for (long seen = 0; high > low && seen + _histogram[high] <= tail; high--) seen += _histogram[high];
        return new ActivationRange(Min + low * width, Min + (high + 1) * width);
    }
}
