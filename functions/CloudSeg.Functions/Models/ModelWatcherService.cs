using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Models;

/// <summary>Loads the first model at start, then polls the registry for promotions (both hosts run it).</summary>
public sealed class ModelWatcherService(
    ModelRegistryWatcher watcher,
    IOptions<ModelHostingOptions> options,
    ILogger<ModelWatcherService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RetryUntilLoadedAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(options.Value.RegistryPollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await watcher.CheckAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Model registry check failed; will try again in {Interval}", options.Value.RegistryPollInterval);
            }
        }
    }

    // Storage may come up after the host (Azurite started alongside): keep trying rather than crash the host.
    private async Task RetryUntilLoadedAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await watcher.InitializeAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var delay = TimeSpan.FromSeconds(Math.Min(30, attempt * 2));
                logger.LogError(ex, "Could not load a model (attempt {Attempt}); retrying in {Delay}", attempt, delay);
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
        }
    }
}
