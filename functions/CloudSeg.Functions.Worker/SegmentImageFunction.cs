using Azure.Storage.Queues.Models;
using CloudSeg.Functions.Processing;
using CloudSeg.Storage;
using Microsoft.Azure.Functions.Worker;

namespace CloudSeg.Functions.Worker;

/// <summary>
/// SegmentImage on the queue trigger of <c>segment-requests</c>, where the Event Grid subscription of the uploads
/// container writes its BlobCreated events (a queue rather than an Event Grid trigger: the queue keeps events while
/// the app is scaled to zero or being deployed, gives back-off and a poison queue, and is what the local runner and
/// Azurite have too).
/// </summary>
public sealed class SegmentImageFunction(SegmentRequestHandler handler)
{
    public const string Name = "SegmentImage";

    /// <summary>
    /// The host passes the message decoded (host.json <c>messageEncoding: base64</c>); the handler settles it itself
    /// (delete, delay by the back-off, or poison), so it returns normally in every case and the host's own delete of
    /// the already settled message is a no-op.
    /// </summary>
    [Function(Name)]
    public Task<SegmentOutcome> RunAsync(
        [QueueTrigger(StorageNames.RequestsQueue, Connection = "Storage")] QueueMessage message,
        CancellationToken cancellationToken) =>
        HandleAsync(RequestMessage.FromDecoded(message), cancellationToken);

    /// <summary>
    /// The same function for a trigger that is not the Functions host (the local runner): it passes the message as
    /// received, undecoded, with the visibility the handler keeps renewing while the image is worked on.
    /// </summary>
    public Task<SegmentOutcome> HandleAsync(RequestMessage message, CancellationToken cancellationToken) =>
        handler.HandleAsync(message, cancellationToken);
}
