using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;

namespace CloudSeg.Functions.LocalRunner;

/// <summary>
/// Keeps a received message invisible while its image is worked on, by extending its visibility every third of the
/// timeout (as the Functions host does), so slow work is never handed to a second worker. Each update returns a new
/// pop receipt; <see cref="StopAsync"/> hands the latest one back for the final delete/update.
/// </summary>
internal sealed class VisibilityRenewal
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private string _popReceipt;

    public VisibilityRenewal(QueueClient queue, string messageId, string popReceipt, TimeSpan visibility, ILogger logger)
    {
        _popReceipt = popReceipt;
        _loop = RenewAsync(queue, messageId, visibility, logger);
    }

    public async Task<string> StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        return _popReceipt;
    }

    private async Task RenewAsync(QueueClient queue, string messageId, TimeSpan visibility, ILogger logger)
    {
        using var timer = new PeriodicTimer(visibility / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var receipt = await queue.UpdateMessageAsync(messageId, _popReceipt, visibilityTimeout: visibility, cancellationToken: _stop.Token)
                    .ConfigureAwait(false);
                _popReceipt = receipt.Value.PopReceipt;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not extend the visibility of message {MessageId}; another worker may pick it up", messageId);
        }
    }
}
