using CloudSeg.Storage;
using Microsoft.Extensions.Options;

namespace CloudSeg.Dashboard.Services;

/// <summary>Training runs: history from the <c>trainingruns</c> table, the schedule, and "retrain now".</summary>
public sealed class TrainingService(CloudSegStorage storage, IOptions<DashboardOptions> options, TimeProvider clock, ILogger<TrainingService> logger)
{
    /// <summary>Status of a run asked for from the dashboard that the functions host has not started yet.</summary>
    public const string RequestedStatus = "requested";

    public const string ManualTrigger = "manual";

    public string? Schedule => options.Value.TrainingSchedule;

    public Task<IReadOnlyList<TrainingRunEntity>> ListAsync(CancellationToken ct) => storage.ListTrainingRunsAsync(100, ct);

    /// <summary>
    /// Asks for a training run now: a run row with status <see cref="RequestedStatus"/> and trigger "manual" that the
    /// functions host's retraining function picks up on its next tick (it runs regardless of dataset changes).
    /// </summary>
    public async Task<TrainingRunEntity> RequestRunAsync(string user, CancellationToken ct)
    {
        var runId = $"manual-{clock.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..32];
        var run = TrainingRunEntity.Start(runId, ManualTrigger, datasetDigest: "", clock.GetUtcNow());
        run.Status = RequestedStatus;
        run.ExecutionId = null;
        run.Error = null;
        await storage.SaveTrainingRunAsync(run, ct);
        logger.LogInformation("{User} requested training run {RunId}", user, run.RunId);
        return run;
    }
}
