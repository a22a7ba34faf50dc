using CloudSeg.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Processing;

/// <summary>
/// One request message from delivery to settlement, the same for the isolated worker's queue trigger and the local
/// runner: a message delivered more often than allowed without an outcome (it took the worker down each time) is given
/// up — its row says why — and poisoned; otherwise <see cref="SegmentImage"/> runs and the outcome settles the message:
/// finished → deleted, retry → hidden for its back-off (dequeue count kept), poisoned/unreadable → poison queue.
/// The handler settles the message itself so that the back-off is the one the row announces, and so that the give-up
/// runs in Azure too (host.json lets the host deliver once more than <see cref="StorageNames.MaxDequeueCount"/>).
/// </summary>
public sealed partial class SegmentRequestHandler(
    CloudSegStorage storage,
    SegmentImage segmentImage,
    IOptions<FunctionsOptions> options,
    ILogger<SegmentRequestHandler> logger)
{
    /// <summary>Handles and settles one delivery. Throws only when settling failed, so the trigger's own retry applies.</summary>
    public async Task<SegmentOutcome> HandleAsync(RequestMessage message, CancellationToken ct)
    {
        var body = message.WireBody.ToString();
        if (message.DequeueCount > StorageNames.MaxDequeueCount)
        {
            await segmentImage.GiveUpAsync(body, message.Delivery, ct).ConfigureAwait(false);
            var givenUp = new SegmentOutcome(SegmentOutcomeKind.Poisoned, $"delivered {message.DequeueCount} times without an outcome");
            await SettleAsync(message, givenUp, ct).ConfigureAwait(false);
            return givenUp;
        }
        var renewal = message.RenewVisibility is { } visibility ? new VisibilityRenewal(storage, message, visibility, logger) : null;
        SegmentOutcome outcome;
        try
        {
            outcome = await segmentImage.RunAsync(body, message.Delivery, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping mid-image: hand the message back at once rather than after its visibility timeout.
            outcome = new SegmentOutcome(SegmentOutcomeKind.Retry, "host stopping", TimeSpan.Zero);
        }
        catch (Exception ex)
        {
            LogUnhandled(ex, message.MessageId);
            outcome = new SegmentOutcome(SegmentOutcomeKind.Retry, ex.Message,
                RetryBackoff.For(message.DequeueCount, options.Value.RetryBaseDelay, options.Value.RetryMaxDelay));
        }
        finally
        {
            if (renewal is not null) await renewal.StopAsync().ConfigureAwait(false);
        }
        await SettleAsync(message, outcome, CancellationToken.None).ConfigureAwait(false);
        return outcome;
    }

    private async Task SettleAsync(RequestMessage message, SegmentOutcome outcome, CancellationToken ct)
    {
        switch (outcome.Kind)
        {
            case SegmentOutcomeKind.Retry:
                await storage.DelayRequestAsync(message.MessageId, message.PopReceipt, outcome.RetryAfter, ct).ConfigureAwait(false);
                break;
            case SegmentOutcomeKind.Poisoned:
            case SegmentOutcomeKind.Unreadable:
                await storage.PoisonRequestAsync(message.MessageId, message.PopReceipt, message.WireBody, ct).ConfigureAwait(false);
                LogPoisoned(message.MessageId, message.DequeueCount, outcome.Reason ?? outcome.Kind.ToString());
                break;
            default:
                await storage.CompleteRequestAsync(message.MessageId, message.PopReceipt, ct).ConfigureAwait(false);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} failed outside the function; it will be retried")]
    private partial void LogUnhandled(Exception ex, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} moved to the poison queue at delivery {DequeueCount}: {Reason}")]
    private partial void LogPoisoned(string messageId, long dequeueCount, string reason);
}
