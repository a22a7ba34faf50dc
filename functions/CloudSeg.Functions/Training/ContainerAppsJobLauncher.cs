using CloudSeg.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Training;

/// <summary>
/// Azure training: starting the Container Apps Job is one ARM call (POST .../jobs/{job}/start with per-execution
/// environment overrides). Not implemented yet: this stub logs exactly the request to make, so the run row and the
/// schedule logic are exercised end to end, and reports the run as running until its timeout.
/// </summary>
public sealed partial class ContainerAppsJobLauncher(
    IOptions<TrainingOptions> options,
    ILogger<ContainerAppsJobLauncher> logger) : ITrainingJobLauncher
{
    public Task<TrainingJobStart> StartAsync(TrainingRunEntity run, CancellationToken ct)
    {
        var job = options.Value.ContainerAppsJob;
        var url = $"https://management.azure.com/subscriptions/{job.SubscriptionId}/resourceGroups/{job.ResourceGroup}" +
                  $"/providers/Microsoft.App/jobs/{job.JobName}/start?api-version={job.ApiVersion}";
        var body = $$"""{"containers":[{"name":"{{job.JobName}}","env":[{"name":"CLOUDSEG_RUN_ID","value":"{{run.RunId}}"},{"name":"CLOUDSEG_DATASET_DIGEST","value":"{{run.DatasetDigest}}"}]}]}""";
        LogWouldStart(run.RunId, url, body);
        return Task.FromResult(new TrainingJobStart($"{job.JobName}/not-started", $"{url} (stub: not called)"));
    }

    public Task<TrainingJobState> GetStateAsync(TrainingRunEntity run, CancellationToken ct) =>
        Task.FromResult(new TrainingJobState(TrainingJobStatus.Running));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training run {RunId}: the Container Apps Job launcher is a stub; the call to make is POST {Url} with body {Body} (bearer token of the managed identity)")]
    private partial void LogWouldStart(string runId, string url, string body);
}
