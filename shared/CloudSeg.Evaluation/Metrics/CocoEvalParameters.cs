namespace CloudSeg.Evaluation.Metrics;

/// <summary>A named object-area range, in pixels, inclusive at both ends as in pycocotools.</summary>
public sealed record AreaRange(string Label, double Min, double Max)
{
    public bool Contains(double area) => area >= Min && area <= Max;
}

/// <summary>
/// COCO evaluation parameters; the defaults are pycocotools' for "bbox" and "segm". The thresholds are computed exactly
/// as numpy's <c>linspace</c> computes them, so that an IoU equal to a threshold compares the same way.
/// </summary>
public sealed record CocoEvalParameters
{
    public IReadOnlyList<double> IouThresholds { get; init; } = Linspace(0.5, 0.95, 10);

    public IReadOnlyList<double> RecallThresholds { get; init; } = Linspace(0.0, 1.0, 101);

    public IReadOnlyList<int> MaxDetections { get; init; } = [1, 10, 100];

    public IReadOnlyList<AreaRange> AreaRanges { get; init; } =
    [
        new("all", 0, 1e5 * 1e5),
        new("small", 0, 32 * 32),
        new("medium", 32 * 32, 96 * 96),
        new("large", 96 * 96, 1e5 * 1e5),
    ];

    /// <summary>numpy.linspace(start, stop, count): start + i * ((stop - start) / (count - 1)), last value exactly stop.</summary>
    public static double[] Linspace(double start, double stop, int count)
    {
        var step = (stop - start) / (count - 1);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = i * step + start;
        }
        values[^1] = stop;
        return values;
    }
}
