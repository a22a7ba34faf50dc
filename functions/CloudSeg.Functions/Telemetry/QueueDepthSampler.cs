using CloudSeg.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudSeg.Functions.Telemetry;

/// <summary>Samples the request queue's approximate length every few seconds for the queue-depth gauge.</summary>
public sealed class QueueDepthSampler(CloudSegStorage storage, FunctionsMetrics metrics, ILogger<QueueDepthSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await storage.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
                metrics.QueueDepth(await storage.GetQueueDepthAsync(stoppingToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogDebug(ex, "Queue depth sample failed");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
