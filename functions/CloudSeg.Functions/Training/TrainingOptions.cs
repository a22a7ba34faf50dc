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
    /// Shell command that trains one model, run in the host's working directory (the clone, under `cloudseg up`).
    /// Placeholders: {data} (folder holding the downloaded datasets container: train/ and the fixed val/ set, each a
    /// COCO annotations.json + images/), {output} (folder the command leaves the package in: model.onnx +
    /// model.card.json with its metrics, directly or under model/), {runId}, {log}.
    /// </summary>
    public string LocalCommand { get; set; } = "./cloudseg train --data {data}/train --val {data}/val --out {output}";

    /// <summary>Folder for local runs: one sub-folder per run with its data, output and log.</summary>
    public string WorkDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "cloudseg-training");

    /// <summary>A run still not finished after this long is recorded as failed.</summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often the local runner checks started runs for completion.</summary>
    public TimeSpan RunPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    public ContainerAppsJobOptions ContainerAppsJob { get; set; } = new();
}
