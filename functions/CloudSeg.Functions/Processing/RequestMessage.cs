using Azure.Storage.Queues.Models;

namespace CloudSeg.Functions.Processing;

/// <summary>
/// One delivery of a <c>segment-requests</c> message, as both triggers hand it to <see cref="SegmentRequestHandler"/>:
/// the body as it is on the wire (base64, as Event Grid writes it), and the pop receipt that settles it.
/// </summary>
public sealed class RequestMessage(string messageId, string popReceipt, long dequeueCount, BinaryData wireBody)
{
    private string _popReceipt = popReceipt;

    public string MessageId { get; } = messageId;

    /// <summary>The receipt of the latest receive or visibility update (renewals replace it).</summary>
    public string PopReceipt
    {
        get => Volatile.Read(ref _popReceipt);
        internal set => Volatile.Write(ref _popReceipt, value);
    }

    public long DequeueCount { get; } = dequeueCount;

    public BinaryData WireBody { get; } = wireBody;

    /// <summary>
    /// How often and for how long the handler itself keeps the message invisible while it works; null where the trigger
    /// does that (the Functions host renews the messages it hands out).
    /// </summary>
    public TimeSpan? RenewVisibility { get; init; }

    public MessageDelivery Delivery => new(MessageId, DequeueCount);

    /// <summary>
    /// A message as the Functions host passes it: decoded (host.json <c>messageEncoding: base64</c>), so the wire form
    /// is its base64 again (the poison queue gets the bytes the host would copy there).
    /// </summary>
    public static RequestMessage FromDecoded(QueueMessage message) =>
        new(message.MessageId, message.PopReceipt, message.DequeueCount,
            BinaryData.FromString(Convert.ToBase64String(message.Body.ToMemory().Span)));

    /// <summary>A message received undecoded (the local runner's receive), kept invisible by the handler while it works.</summary>
    public static RequestMessage FromWire(QueueMessage message, TimeSpan visibility) =>
        new(message.MessageId, message.PopReceipt, message.DequeueCount, message.Body) { RenewVisibility = visibility };
}
