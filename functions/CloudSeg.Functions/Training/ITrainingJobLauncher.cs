using CloudSeg.Storage;

namespace CloudSeg.Functions.Training;

/// <summary>
/// Starts a training job outside the functions host and reports on it; the functions never train in-process. The job
/// (<c>cloudseg train-job</c>) writes its own run row — progress, heartbeat, package, decision — so a launcher only
/// starts it and says whether it still runs.
/// </summary>
public interface ITrainingJobLauncher
{
    /// <summary>Starts training for <paramref name="run"/>; returns the execution id and where its log will be.</summary>
    Task<TrainingJobStart> StartAsync(TrainingRunEntity run, CancellationToken ct);

    Task<TrainingJobState> GetStateAsync(TrainingRunEntity run, CancellationToken ct);
}

public sealed record TrainingJobStart(string ExecutionId, string LogsLocation);

public enum TrainingJobStatus { Running, Succeeded, Failed }

/// <summary>
/// How a job stands: still running (or not known to have ended: the run's heartbeat decides), ended well, or ended
/// badly with <paramref name="Error"/>; <paramref name="LogTail"/> holds the last lines of its log where the launcher can read them.
/// </summary>
public sealed record TrainingJobState(TrainingJobStatus Status, string? Error = null, string? LogTail = null);
