using CloudSeg.Storage;

namespace CloudSeg.Functions.Training;

/// <summary>Scheduled retraining (configuration section <c>Training</c>).</summary>
public sealed class TrainingOptions
{
    public const string SectionName = "Training";

    /// <summary>Cron expression with seconds (NCRONTAB, as the Functions timer trigger uses): daily at 03:00 UTC.</summary>
    public string Schedule { get; set; } = CronSchedule.DefaultTrainingSchedule;

    /// <summary>"Local" starts <see cref="LocalCommand"/>; "ContainerAppsJob" starts the Azure Container Apps Job.</summary>
    public string Launcher { get; set; } = "Local";

    /// <summary>
    /// Shell command that runs one training run to its decision, in <see cref="LocalCommandDirectory"/>, with this
    /// host's Storage and Training settings in its environment. Placeholders: {runId}, {log}.
    /// </summary>
    public string LocalCommand { get; set; } = "./cloudseg train-job --run-id {runId}";

    /// <summary>Where <see cref="LocalCommand"/> runs; null = the clone this host was built from, else the current directory.</summary>
    public string? LocalCommandDirectory { get; set; }

    /// <summary>Folder for local runs: one sub-folder per run with its log and exit code, and jobs/ for the jobs' own work.</summary>
    public string WorkDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "cloudseg-training");

    /// <summary>
    /// A started run whose job wrote no heartbeat (counted from the launch) for this long is failed: the job died or
    /// was lost. The job beats every few seconds, also while it downloads, exports and evaluates.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A run still not finished after this long is recorded as failed.</summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often the local runner checks started runs for completion.</summary>
    public TimeSpan RunPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    public ContainerAppsJobOptions ContainerAppsJob { get; set; } = new();
}
