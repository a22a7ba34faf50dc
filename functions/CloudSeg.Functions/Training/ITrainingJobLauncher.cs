using CloudSeg.Storage;

namespace CloudSeg.Functions.Training;

/// <summary>Starts a training job outside the functions host and reports on it; the functions never train in-process.</summary>
public interface ITrainingJobLauncher
{
    /// <summary>Starts training for <paramref name="run"/>; returns the execution id and where its log will be.</summary>
    Task<TrainingJobStart> StartAsync(TrainingRunEntity run, CancellationToken ct);

    Task<TrainingJobState> GetStateAsync(TrainingRunEntity run, CancellationToken ct);
}

public sealed record TrainingJobStart(string ExecutionId, string LogsLocation);

public enum TrainingJobStatus { Running, Succeeded, Failed }

/// <summary>
/// How a job stands. A succeeded local job leaves its package in <paramref name="PackageDirectory"/> for the host to
/// upload; a job that uploads <c>models/&lt;run id&gt;/</c> itself (Azure) reports null.
/// </summary>
public sealed record TrainingJobState(TrainingJobStatus Status, string? PackageDirectory = null, string? Error = null);
