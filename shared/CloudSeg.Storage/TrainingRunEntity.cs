using Azure;
using Azure.Data.Tables;

namespace CloudSeg.Storage;

/// <summary>
/// One row per training run in table <c>trainingruns</c>. PartitionKey = <see cref="Partition"/>, RowKey = inverted
/// start ticks + run id, so a plain query returns the newest run first.
/// </summary>
public sealed class TrainingRunEntity : ITableEntity
{
    public const string Partition = "runs";

    public string PartitionKey { get; set; } = Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string RunId { get; set; } = "";

    /// <summary>One of <see cref="TrainingRunStatus"/>.</summary>
    public string Status { get; set; } = TrainingRunStatus.Started;

    /// <summary>What started it: "schedule" or "manual".</summary>
    public string Trigger { get; set; } = "schedule";

    /// <summary>Digest of the dataset blobs' names and ETags the run trained on (<see cref="DatasetDigest"/>).</summary>
    public string DatasetDigest { get; set; } = "";

    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Version the run produced (models/&lt;version&gt;/), when it got that far.</summary>
    public string? ModelVersion { get; set; }

    /// <summary>Mask AP of the new model on the fixed validation split of datasets/, measured by the job.</summary>
    public double? MaskAp { get; set; }

    /// <summary>Mask AP of the model that was current, on the same validation split, measured by the same job.</summary>
    public double? BaselineMaskAp { get; set; }
    public string? BaselineModelVersion { get; set; }
    public bool Promoted { get; set; }

    /// <summary>Where the run's log lives (a local file path or a blob/Container Apps execution URL).</summary>
    public string? LogsLocation { get; set; }

    /// <summary>Local process id or Container Apps Job execution name.</summary>
    public string? ExecutionId { get; set; }
    /// <summary>The failure reason, when <see cref="Status"/> is failed.</summary>
    public string? Error { get; set; }

    /// <summary>Optimiser steps asked for (<c>cloudseg retrain --steps N</c>, the dashboard); null = the configured length.</summary>
    public int? RequestedSteps { get; set; }

    /// <summary>The model family asked for (<c>cloudseg retrain --arch yolact</c>, a model card's spelling); null = the
    /// current model's architecture.</summary>
    public string? RequestedArchitecture { get; set; }

    /// <summary>How the job initialised the model, e.g. "fine-tuned from shapes-r18-v2" or "from scratch: ..." (why).</summary>
    public string? WarmStart { get; set; }

    /// <summary>Live progress, written by the job every few seconds: optimiser steps done of <see cref="TotalSteps"/>, last loss.</summary>
    public int? Step { get; set; }
    public int? TotalSteps { get; set; }
    public double? Loss { get; set; }

    /// <summary>When the job last said it is alive; a started run whose heartbeat goes stale is failed by the functions.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }

    /// <summary>One sentence: "promoted: candidate 0.781 ≥ current 0.774 + 0" or "kept current: ...".</summary>
    public string? Decision { get; set; }

    /// <summary>The last lines of the job's log when it failed.</summary>
    public string? LogTail { get; set; }

    /// <summary>A new run id: "train-" + UTC time + a random suffix (also the model version it produces).</summary>
    public static string NewRunId(DateTimeOffset now) => $"train-{now:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";

    public static TrainingRunEntity Start(string runId, string trigger, string datasetDigest, DateTimeOffset startedAt) => new()
    {
        RowKey = $"{DateTimeOffset.MaxValue.UtcTicks - startedAt.UtcTicks:D19}_{runId}",
        RunId = runId,
        Trigger = trigger,
        DatasetDigest = datasetDigest,
        StartedAt = startedAt,
    };
}

/// <summary><see cref="TrainingRunEntity.Status"/> values.</summary>
public static class TrainingRunStatus
{
    /// <summary>Asked for by a person (dashboard "retrain now"); the functions start it on their next tick, even if datasets/ is unchanged.</summary>
    public const string Requested = "requested";

    public const string Started = "started";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}
