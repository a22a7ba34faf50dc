namespace CloudSeg.Functions.LocalRunner;

/// <summary>Which triggers this local host plays (configuration section <c>LocalRunner</c>).</summary>
public sealed class LocalRunnerOptions
{
    public const string SectionName = "LocalRunner";

    public bool ProcessQueue { get; set; } = true;
    public bool ScanUploads { get; set; } = true;
    public bool RunTrainingSchedule { get; set; } = true;
}
