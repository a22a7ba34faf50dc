using System.Collections.Concurrent;
using Azure.Storage.Queues.Models;
using CloudSeg.Functions.Models;
using CloudSeg.Functions.Processing;
using CloudSeg.Storage;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.LocalRunner;

/// <summary>
/// Plays the Functions host's queue trigger against <c>segment-requests</c>: receives in batches only as many messages
/// as there are free slots (so a backlog of thousands never sits in memory), runs each on the thread pool with its
/// visibility renewed, then deletes, delays (back-off) or poisons it after the fifth delivery. Messages are received
/// undecoded and decoded one by one, so a message that is not an event is poisoned at once and never holds back the
/// others of its batch.
/// </summary>
internal sealed partial class QueuePump(
    CloudSegStorage storage,
    SegmentImage segmentImage,
    ModelProvider models,
    IOptions<FunctionsOptions> options,
    IOptions<LocalRunnerOptions> runnerOptions,
    ILogger<QueuePump> logger) : BackgroundService
{
    private static readonly TimeSpan MinPollInterval = TimeSpan.FromMilliseconds(50);
    private readonly ConcurrentDictionary<string, Task> _inFlight = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!runnerOptions.Value.ProcessQueue) return;
        await models.WhenLoaded.WaitAsync(stoppingToken).ConfigureAwait(false);
        var slots = new SemaphoreSlim(options.Value.MaxConcurrentImages);
        var idle = MinPollInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                var free = 1;
                while (free < Math.Min(options.Value.BatchSize, 32) && slots.Wait(0)) free++;

                QueueMessage[] messages;
                try
                {
                    await storage.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
                    messages = (await storage.RequestsUndecoded.ReceiveMessagesAsync(free, options.Value.VisibilityTimeout, stoppingToken).ConfigureAwait(false)).Value;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogReceiveFailed(ex);
                    messages = [];
                }
                if (free > messages.Length) slots.Release(free - messages.Length);
                if (messages.Length == 0)
                {
                    await Task.Delay(idle, stoppingToken).ConfigureAwait(false);
                    idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, options.Value.MaxPollInterval.Ticks));
                    continue;
                }
                idle = MinPollInterval;
                foreach (var message in messages)
                {
                    var work = Task.Run(() => HandleAsync(message, stoppingToken), CancellationToken.None);
                    _inFlight[message.MessageId] = work;
                    _ = work.ContinueWith(_ =>
                    {
                        _inFlight.TryRemove(message.MessageId, out Task? _);
                        slots.Release();
                    }, TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Let running images finish or give their messages back before the host stops.
        await Task.WhenAll(_inFlight.Values).ConfigureAwait(false);
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        var body = message.Body.ToString();
        var delivery = new MessageDelivery(message.MessageId, message.DequeueCount);
        try
        {
            if (message.DequeueCount > StorageNames.MaxDequeueCount)
            {
                // It was handed out more often than allowed without an outcome (the worker died each time).
                await segmentImage.GiveUpAsync(body, delivery, stoppingToken).ConfigureAwait(false);
                await PoisonAsync(message, message.PopReceipt, $"delivered {message.DequeueCount} times without an outcome", stoppingToken).ConfigureAwait(false);
                return;
            }
            var renewal = new VisibilityRenewal(storage.Requests, message.MessageId, message.PopReceipt, options.Value.VisibilityTimeout, logger);
            SegmentOutcome? outcome = null;
            try
            {
                outcome = await segmentImage.RunAsync(body, delivery, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogUnhandled(ex, message.MessageId);
                outcome = new SegmentOutcome(SegmentOutcomeKind.Retry, ex.Message,
                    RetryBackoff.For(message.DequeueCount, options.Value.RetryBaseDelay, options.Value.RetryMaxDelay));
            }
            finally
            {
                var popReceipt = await renewal.StopAsync().ConfigureAwait(false);
                // Stopping mid-image: hand the message back at once rather than after its visibility timeout.
                outcome ??= new SegmentOutcome(SegmentOutcomeKind.Retry, "host stopping", TimeSpan.Zero);
                await SettleAsync(message, popReceipt, outcome, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogSettleFailed(ex, message.MessageId);
        }
    }

    private async Task SettleAsync(QueueMessage message, string popReceipt, SegmentOutcome outcome, CancellationToken ct)
    {
        switch (outcome.Kind)
        {
            case SegmentOutcomeKind.Retry:
                await storage.Requests.UpdateMessageAsync(message.MessageId, popReceipt, visibilityTimeout: outcome.RetryAfter, cancellationToken: ct)
                    .ConfigureAwait(false);
                break;
            case SegmentOutcomeKind.Poisoned:
            case SegmentOutcomeKind.Unreadable:
                await PoisonAsync(message, popReceipt, outcome.Reason ?? outcome.Kind.ToString(), ct).ConfigureAwait(false);
                break;
            default:
                await storage.Requests.DeleteMessageAsync(message.MessageId, popReceipt, ct).ConfigureAwait(false);
                break;
        }
    }

    // Same as the Functions host: copy the message as it was on the wire to <queue>-poison, then delete the original.
    private async Task PoisonAsync(QueueMessage message, string popReceipt, string reason, CancellationToken ct)
    {
        await storage.PoisonUndecoded.SendMessageAsync(message.Body, cancellationToken: ct).ConfigureAwait(false);
        await storage.Requests.DeleteMessageAsync(message.MessageId, popReceipt, ct).ConfigureAwait(false);
        LogPoisoned(message.MessageId, message.DequeueCount, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving from the request queue failed; retrying")]
    private partial void LogReceiveFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} failed outside the function; it will be retried")]
    private partial void LogUnhandled(Exception ex, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle message {MessageId}; it reappears after its visibility timeout")]
    private partial void LogSettleFailed(Exception ex, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} moved to the poison queue at delivery {DequeueCount}: {Reason}")]
    private partial void LogPoisoned(string messageId, long dequeueCount, string reason);
}
