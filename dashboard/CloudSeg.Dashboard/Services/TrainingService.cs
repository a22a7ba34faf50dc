using Cronos;
using CloudSeg.Storage;
using Microsoft.Extensions.Options;

namespace CloudSeg.Dashboard.Services;

/// <summary>Training runs: history from the <c>trainingruns</c> table, the schedule, the labelled data, and "retrain now".</summary>
public sealed partial class TrainingService(CloudSegStorage storage, IOptions<DashboardOptions> options, TimeProvider clock, ILogger<TrainingService> logger)
{
    public const string ManualTrigger = "manual";

    public string Schedule => options.Value.TrainingSchedule;

    /// <summary>How often the training page re-reads the runs.</summary>
    public TimeSpan PollInterval => options.Value.StatusPollInterval;

    /// <summary>When the schedule fires next (UTC); null when the expression is invalid or never fires again.</summary>
    public DateTimeOffset? NextScheduledRun()
    {
        try
        {
            return CronSchedule.Next(CronSchedule.Parse(Schedule), clock.GetUtcNow());
        }
        catch (CronFormatException)
        {
            return null;
        }
    }

    public Task<IReadOnlyList<TrainingRunEntity>> ListAsync(CancellationToken ct) => storage.ListTrainingRunsAsync(100, ct);

    public Task<DatasetSummary> GetDatasetSummaryAsync(CancellationToken ct) => storage.GetDatasetSummaryAsync(ct);

    /// <summary>
    /// Asks for a training run now (trigger "manual"); the functions host starts it on its next tick, whether or not the
    /// labelled data changed. Throws <see cref="InvalidOperationException"/> while another run is requested or running.
    /// </summary>
    public async Task<TrainingRunEntity> RequestRunAsync(string user, CancellationToken ct)
    {
        var run = await storage.RequestTrainingRunAsync(steps: null, ManualTrigger, ct);
        LogRequested(user, run.RunId);
        return run;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} requested training run {RunId}")]
    private partial void LogRequested(string user, string runId);
}
