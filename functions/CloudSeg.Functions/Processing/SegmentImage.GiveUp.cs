using CloudSeg.Storage;

namespace CloudSeg.Functions.Processing;

public sealed partial class SegmentImage
{
    /// <summary>
    /// Records a message that exceeded its deliveries without an outcome (e.g. it crashed the host every time) as
    /// failed/poisoned, so its row says why it stopped. The trigger moves the message to the poison queue.
    /// </summary>
    public async Task GiveUpAsync(string messageBody, MessageDelivery delivery, CancellationToken ct)
    {
        BlobCreatedEvent e;
        try
        {
            e = BlobCreatedEventCodec.Decode(messageBody);
        }
        catch (FormatException)
        {
            return; // no blob to record it against; the poison queue keeps the message itself
        }
        if (e.ContainerName != StorageNames.UploadsContainer) return;
        var row = await storage.GetImageAsync(e.BlobName, ct).ConfigureAwait(false) ?? ImageIndexEntity.ForBlob(e.BlobName);
        MarkFailed(row, FailureKind.Poisoned,
            $"Delivered {delivery.DequeueCount} times without finishing (the worker stopped each time); moved to {StorageNames.PoisonQueue}.", delivery);
        await storage.UpsertImageAsync(row, ct).ConfigureAwait(false);
        metrics.Failed(FailureKind.Poisoned);
    }
}
