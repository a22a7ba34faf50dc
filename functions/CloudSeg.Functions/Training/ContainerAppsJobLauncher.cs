using CloudSeg.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Training;

/// <summary>
/// Azure training: each run is one execution of the Container Apps Job (infra/modules/training-job.bicep), started
/// through ARM with the run id and dataset digest as per-execution environment overrides; the job's entry point
/// (`cloudseg train-job`) does the rest and writes models/&lt;run id&gt;/ and the run row itself. The state comes from
/// the execution's status; an execution ARM no longer knows, or an ARM that keeps refusing, ends the run failed with
/// the reason, so no run stays "started".
/// </summary>
public sealed partial class ContainerAppsJobLauncher(
    ContainerAppsJobClient arm,
    IOptions<TrainingOptions> options,
    ILogger<ContainerAppsJobLauncher> logger) : ITrainingJobLauncher
{
    public const string RunIdVariable = "CLOUDSEG_RUN_ID";
    public const string DatasetDigestVariable = "CLOUDSEG_DATASET_DIGEST";

    public async Task<TrainingJobStart> StartAsync(TrainingRunEntity run, CancellationToken ct)
    {
        var job = await arm.GetJobAsync(ct).ConfigureAwait(false);
        var body = JobExecutionTemplate.For(job, options.Value.ContainerAppsJob.ContainerName, new Dictionary<string, string>
        {
            [RunIdVariable] = run.RunId,
            [DatasetDigestVariable] = run.DatasetDigest ?? "",
        });
        var execution = await arm.StartAsync(body, ct).ConfigureAwait(false);
        LogStarted(run.RunId, arm.JobName, execution.Name);
        return new TrainingJobStart(execution.Name, LogsLocation(execution.Name));
    }

    public async Task<TrainingJobState> GetStateAsync(TrainingRunEntity run, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(run.ExecutionId))
            return new TrainingJobState(TrainingJobStatus.Failed, Error: $"Run {run.RunId} has no execution of job {arm.JobName} recorded; it never started.");
        try
        {
            var execution = await arm.GetExecutionAsync(run.ExecutionId, ct).ConfigureAwait(false);
            if (execution is null)
            {
                return new TrainingJobState(TrainingJobStatus.Failed, Error:
                    $"Execution {run.ExecutionId} of job {arm.JobName} no longer exists (the job or its execution history was deleted); the run cannot finish.");
            }
            return Map(execution);
        }
        catch (ArmRequestException ex)
        {
            LogStateUnknown(run.RunId, run.ExecutionId, ex.Message);
            return new TrainingJobState(TrainingJobStatus.Failed, Error: $"Could not follow execution {run.ExecutionId}: {ex.Message}");
        }
    }

    private TrainingJobState Map(JobExecutionState execution)
    {
        switch (execution.Status)
        {
            case "Succeeded":
                return new TrainingJobState(TrainingJobStatus.Succeeded);
            // With one replica and no replica retries (training-job.bicep), a degraded execution will not recover.
            case "Failed" or "Stopped" or "Degraded":
                var ended = execution.EndTime is { } end ? $" at {end:u}" : "";
                return new TrainingJobState(TrainingJobStatus.Failed, Error:
                    $"Execution {execution.Name} of job {arm.JobName} ended {execution.Status}{ended}; its log: {LogsLocation(execution.Name)}");
            case "Running" or "Processing" or "Unknown":
                return new TrainingJobState(TrainingJobStatus.Running);
            default:
                // A status this code does not know yet: keep waiting; Training:RunTimeout still bounds the run.
                LogUnknownStatus(execution.Name, execution.Status);
                return new TrainingJobState(TrainingJobStatus.Running);
        }
    }

    // Container Apps sends console output to Log Analytics; an execution's replicas are named after it.
    private string LogsLocation(string execution) =>
        $"{arm.JobResourceId}/executions/{execution} — Log Analytics: ContainerAppConsoleLogs_CL | where ContainerJobName_s == '{arm.JobName}' " +
        $"and ContainerGroupName_s startswith '{execution}'";

    [LoggerMessage(Level = LogLevel.Information, Message = "Training run {RunId} started as execution {Execution} of Container Apps Job {Job}")]
    private partial void LogStarted(string runId, string job, string execution);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training run {RunId}: could not read execution {Execution}: {Reason}")]
    private partial void LogStateUnknown(string runId, string execution, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Execution {Execution} reports status {Status}, unknown here; treated as still running")]
    private partial void LogUnknownStatus(string execution, string status);
}
