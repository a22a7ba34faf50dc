namespace CloudSeg.Functions.Processing;

/// <summary>What the trigger knows about one delivery of a request message.</summary>
/// <param name="MessageId">Queue message id (for logs and the index row).</param>
/// <param name="DequeueCount">1 on the first delivery; the host moves the message to the poison queue after the fifth.</param>
public sealed record MessageDelivery(string MessageId, long DequeueCount);
