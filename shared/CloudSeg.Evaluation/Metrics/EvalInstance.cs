using CloudSeg.Core.Masks;

namespace CloudSeg.Evaluation.Metrics;

/// <summary>One ground-truth object or one detection, reduced to what matching needs.</summary>
internal sealed record EvalInstance(
    long Id,
    long ImageId,
    int CategoryId,
    double Score,
    double Area,
    bool IsCrowd,
    double[] Bbox,
    RleMask? Mask);
