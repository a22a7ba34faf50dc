using CloudSeg.Functions.Training;
using CloudSeg.Functions.Worker;
using CloudSeg.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.LocalRunner;

/// <summary>
/// Plays the Functions host's timer triggers for training, invoking the worker's <see cref="TrainingFunctions"/>:
/// <c>RetrainOnSchedule</c> at each cron occurrence of Training:Schedule, and <c>TrackTrainingRuns</c> (finish ended
/// runs, start requested ones) every Training:RunPollInterval.
/// </summary>
internal sealed class TrainingScheduleService(
    TrainingFunctions functions,
    IOptions<TrainingOptions> options,
    IOptions<LocalRunnerOptions> runnerOptions,
    TimeProvider time,
    ILogger<TrainingScheduleService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!runnerOptions.Value.RunTrainingSchedule) return;
        var schedule = CronSchedule.Parse(options.Value.Schedule);
        var nextTick = Next(schedule);
        logger.LogInformation("Retraining schedule '{Schedule}': next at {Next:u}", options.Value.Schedule, nextTick);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var wait = nextTick is { } t && t - now < options.Value.RunPollInterval ? t - now : options.Value.RunPollInterval;
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, stoppingToken).ConfigureAwait(false);
            try
            {
                if (nextTick is { } due && time.GetUtcNow() >= due)
                {
                    nextTick = Next(schedule);
                    await functions.RetrainAsync(new TimerInfo(), stoppingToken).ConfigureAwait(false);
                }
                else
                {
                    await functions.TrackAsync(new TimerInfo(), stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Training schedule tick failed");
            }
        }
    }

    private DateTimeOffset? Next(Cronos.CronExpression schedule) => CronSchedule.Next(schedule, time.GetUtcNow());
}
