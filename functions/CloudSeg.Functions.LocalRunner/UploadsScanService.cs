using CloudSeg.Functions.Worker;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.LocalRunner;

/// <summary>Runs the worker's ScanUploads function at start (catching what arrived while the host was down) and then periodically.</summary>
internal sealed class UploadsScanService(
    TrainingFunctions functions,
    IOptions<FunctionsOptions> options,
    IOptions<LocalRunnerOptions> runnerOptions,
    ILogger<UploadsScanService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ScanInterval;
        if (!runnerOptions.Value.ScanUploads || interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                var announced = await functions.ScanAsync(new TimerInfo(), stoppingToken).ConfigureAwait(false);
                if (announced > 0) logger.LogInformation("Uploads scan announced {Count} blobs", announced);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Uploads scan failed; next scan in {Interval}", interval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
