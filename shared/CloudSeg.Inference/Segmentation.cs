using CloudSeg.Core.Geometry;
using CloudSeg.Core.Masks;

namespace CloudSeg.Inference;

/// <summary>The instances found in one upright image of <paramref name="Width"/>×<paramref name="Height"/> pixels,
/// best score first.</summary>
public sealed record Segmentation(int Width, int Height, IReadOnlyList<SegmentedInstance> Instances, StageTimings Timings);

/// <summary>One detected object. <paramref name="Score"/> is the final score (rescored by <paramref name="MaskIou"/> when
/// that is on); <paramref name="Box"/> and <paramref name="Mask"/> are in pixels of the upright image.</summary>
public sealed record SegmentedInstance(int CategoryId, string ClassName, float Score, float? MaskIou, BoxF Box, RleMask Mask);

/// <summary>Wall time spent per stage for one image. The segmenter fills preprocess, model and postprocess; callers that
/// decode and write files add theirs with <c>with</c>.</summary>
public sealed record StageTimings
{
    public TimeSpan Decode { get; init; }
    public TimeSpan Preprocess { get; init; }
    public TimeSpan Model { get; init; }
    public TimeSpan Postprocess { get; init; }
    public TimeSpan EncodeWrite { get; init; }

    public TimeSpan Total => Decode + Preprocess + Model + Postprocess + EncodeWrite;
}
