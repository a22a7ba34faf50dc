using CloudSeg.Functions.Scanning;
using CloudSeg.Functions.Training;
using Microsoft.Azure.Functions.Worker;

namespace CloudSeg.Functions.Worker;

/// <summary>The timer-triggered functions: scheduled retraining, following training runs, and the uploads scan.</summary>
public sealed class TrainingFunctions(RetrainOnSchedule retrain, UploadsScanner scanner)
{
    /// <summary>Retrains on the cron schedule in app setting Training__Schedule when datasets/ changed.</summary>
    [Function("RetrainOnSchedule")]
    public Task<RetrainOnSchedule.Result> RetrainAsync(
        [TimerTrigger("%Training__Schedule%", UseMonitor = true)] TimerInfo timer, CancellationToken cancellationToken) =>
        retrain.RunAsync("schedule", cancellationToken);

    /// <summary>Finishes ended runs and starts requested ones, between schedule occurrences.</summary>
    [Function("TrackTrainingRuns")]
    public Task<RetrainOnSchedule.Result?> TrackAsync(
        [TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        retrain.PollAsync(cancellationToken);

    /// <summary>Announces uploads that no event announced, and re-announces stuck rows (also right after start).</summary>
    [Function("ScanUploads")]
    public Task<int> ScanAsync(
        [TimerTrigger("0 */10 * * * *", RunOnStartup = true)] TimerInfo timer, CancellationToken cancellationToken) =>
        scanner.ScanAsync(cancellationToken);
}
