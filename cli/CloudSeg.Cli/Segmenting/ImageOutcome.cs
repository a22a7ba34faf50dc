using CloudSeg.Inference;

namespace CloudSeg.Cli.Segmenting;

/// <summary>What happened to one image: its segmentation and written files, or why it failed.</summary>
public sealed record ImageOutcome(ImageJob Job, Segmentation? Segmentation, string? Error, StageTimings Timings)
{
    public bool Succeeded => Error is null;

    public static ImageOutcome Failed(ImageJob job, string error, StageTimings? timings = null) => new(job, null, error, timings ?? new StageTimings());
}
