using Azure.Storage.Queues.Models;

namespace CloudSeg.Storage;

/// <summary>
/// The request queue's operations, as both triggers need them: a received message is identified by its id and the
/// pop receipt of its latest receive or update, and ends deleted, delayed or moved to the poison queue.
/// </summary>
public sealed partial class CloudSegStorage
{
    /// <summary>
    /// Receives up to <paramref name="max"/> requests as they are on the wire (not base64-decoded: one message that is
    /// not base64 would otherwise fail the whole batch, again and again).
    /// </summary>
    public async Task<QueueMessage[]> ReceiveRequestsAsync(int max, TimeSpan visibility, CancellationToken ct = default)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        return (await RequestsUndecoded.ReceiveMessagesAsync(max, visibility, ct).ConfigureAwait(false)).Value;
    }

    /// <summary>Keeps a request invisible for <paramref name="visibility"/> more; returns the new pop receipt.</summary>
    public async Task<string> RenewRequestAsync(string messageId, string popReceipt, TimeSpan visibility, CancellationToken ct = default)
    {
        UpdateReceipt receipt = await Requests.UpdateMessageAsync(messageId, popReceipt, visibilityTimeout: visibility, cancellationToken: ct)
            .ConfigureAwait(false);
        return receipt.PopReceipt;
    }

    /// <summary>The request is done with: deletes it.</summary>
    public async Task CompleteRequestAsync(string messageId, string popReceipt, CancellationToken ct = default) =>
        await Requests.DeleteMessageAsync(messageId, popReceipt, ct).ConfigureAwait(false);

    /// <summary>Hands the request back to reappear after <paramref name="delay"/> (its dequeue count is kept).</summary>
    public Task DelayRequestAsync(string messageId, string popReceipt, TimeSpan delay, CancellationToken ct = default) =>
        RenewRequestAsync(messageId, popReceipt, delay, ct);

    /// <summary>
    /// What the Functions host does with a poison message: copies it as it was on the wire to
    /// <c>segment-requests-poison</c>, then deletes the original.
    /// </summary>
    public async Task PoisonRequestAsync(string messageId, string popReceipt, BinaryData wireBody, CancellationToken ct = default)
    {
        await PoisonUndecoded.SendMessageAsync(wireBody, cancellationToken: ct).ConfigureAwait(false);
        await Requests.DeleteMessageAsync(messageId, popReceipt, ct).ConfigureAwait(false);
    }

    /// <summary>Approximate number of messages in <c>segment-requests-poison</c>.</summary>
    public async Task<int> GetPoisonedCountAsync(CancellationToken ct = default)
    {
        QueueProperties props = await Poison.GetPropertiesAsync(ct).ConfigureAwait(false);
        return props.ApproximateMessagesCount;
    }
}
