using CloudSeg.Storage;
using Microsoft.Extensions.Logging;

namespace CloudSeg.Functions.Processing;

/// <summary>
/// Keeps a received message invisible while its image is worked on, by extending its visibility every third of the
/// timeout (as the Functions host does), so slow work is never handed to a second worker. Each update returns a new
/// pop receipt, written into the <see cref="RequestMessage"/>; <see cref="StopAsync"/> ends renewing before it is settled.
/// </summary>
internal sealed class VisibilityRenewal
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public VisibilityRenewal(CloudSegStorage storage, RequestMessage message, TimeSpan visibility, ILogger logger) =>
        _loop = RenewAsync(storage, message, visibility, logger);

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RenewAsync(CloudSegStorage storage, RequestMessage message, TimeSpan visibility, ILogger logger)
    {
        using var timer = new PeriodicTimer(visibility / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                message.PopReceipt = await storage.RenewRequestAsync(message.MessageId, message.PopReceipt, visibility, _stop.Token)
                    .ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not extend the visibility of message {MessageId}; another worker may pick it up", message.MessageId);
        }
    }
}
