using System.Collections.Concurrent;
using Azure.Storage.Queues.Models;
using CloudSeg.Functions.Models;
using CloudSeg.Functions.Processing;
using CloudSeg.Functions.Worker;
using CloudSeg.Storage;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.LocalRunner;

/// <summary>
/// Plays the Functions host's queue trigger against <c>segment-requests</c>: receives in batches only as many messages
/// as there are free slots (so a backlog of thousands never sits in memory) and hands each, on the thread pool, to the
/// worker's <see cref="SegmentImageFunction"/>, whose handler settles it (delete, back-off, poison) exactly as in Azure.
/// Messages are received undecoded and decoded one by one, so a message that is not an event is poisoned at once and
/// never holds back the others of its batch.
/// </summary>
internal sealed partial class QueuePump(
    CloudSegStorage storage,
    SegmentImageFunction segmentImage,
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
                    messages = await storage.ReceiveRequestsAsync(free, options.Value.VisibilityTimeout, stoppingToken).ConfigureAwait(false);
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
        try
        {
            await segmentImage.HandleAsync(RequestMessage.FromWire(message, options.Value.VisibilityTimeout), stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogSettleFailed(ex, message.MessageId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receiving from the request queue failed; retrying")]
    private partial void LogReceiveFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle message {MessageId}; it reappears after its visibility timeout")]
    private partial void LogSettleFailed(Exception ex, string messageId);
}
