using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues.Models;

namespace CloudSeg.Storage;

public sealed partial class CloudSegStorage
{
    /// <summary>
    /// Uploads an image to <c>uploads/&lt;blobName&gt;</c> (overwriting) and marks it queued in the index. Its
    /// BlobCreated event comes from the Event Grid subscription in Azure; where none delivers one
    /// (<see cref="StorageOptions.UploadsAnnounceThemselves"/>, Azurite) the upload enqueues it itself, so every upload
    /// is processed exactly once either way.
    /// </summary>
    public async Task<UploadReceipt> UploadImageAsync(string blobName, Stream content, string? contentType = null, CancellationToken ct = default) =>
        await StoreUploadAsync(blobName, content, contentType, conditions: null, ct).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"Upload {blobName} was deleted right after it was written.");

    /// <summary>Writes the upload under <paramref name="conditions"/> (null when they failed) and gets it processed once.</summary>
    private async Task<UploadReceipt?> StoreUploadAsync(string blobName, Stream content, string? contentType,
        BlobRequestConditions? conditions, CancellationToken ct)
    {
        var blob = UploadBlob(blobName);
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var headers = new BlobHttpHeaders { ContentType = contentType ?? ContentTypes.FromFileName(blobName) };
        BlobContentInfo stored;
        try
        {
            stored = await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = headers, Conditions = conditions }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (conditions is not null && e.Status is 409 or 412)
        {
            return null;
        }
        if (Options.UploadsAnnounceThemselves)
            return await AnnounceCurrentAsync(blobName, ct).ConfigureAwait(false);
        var eTag = BlobVersion.Of(stored.ETag);
        await MarkQueuedAsync(blobName, eTag, headers.ContentType, content.CanSeek ? content.Length : 0, stored.LastModified,
            eventDelivered: true, ct).ConfigureAwait(false);
        return new UploadReceipt(blobName, eTag, EventId: null, MessageId: null);
    }

    /// <summary>
    /// The blob of upload <paramref name="blobName"/>, refusing names outside <see cref="BlobNamePolicy"/> with
    /// <see cref="InvalidBlobNameException"/>: the SDK would resolve <c>../results/x</c> into another container.
    /// </summary>
    public BlobClient UploadBlob(string blobName) => Uploads.GetBlobClient(BlobNamePolicy.Validate(blobName));

    /// <summary>
    /// Announces the blob's current version again (a retry, or new work for a newer model); null when the blob does
    /// not exist (nothing to process).
    /// </summary>
    public async Task<UploadReceipt?> AnnounceCurrentAsync(string blobName, CancellationToken ct = default)
    {
        BlobProperties props;
        try
        {
            props = await UploadBlob(blobName).GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        return await AnnounceAsync(blobName, BlobVersion.Of(props.ETag), props.ContentType, props.ContentLength, props.LastModified, ct).ConfigureAwait(false);
    }

    /// <summary>Streams upload <paramref name="blobName"/> with its properties (ETag, length, type); 404 when it is gone.</summary>
    public async Task<BlobDownloadStreamingResult> DownloadUploadAsync(string blobName, CancellationToken ct = default) =>
        await Uploads.GetBlobClient(blobName).DownloadStreamingAsync(cancellationToken: ct).ConfigureAwait(false);

    /// <summary>Every blob in <c>uploads</c> with its properties, in name order (the scanner's pass).</summary>
    public IAsyncEnumerable<BlobItem> ListUploadsAsync(CancellationToken ct = default) => Uploads.GetBlobsAsync(cancellationToken: ct);

    /// <summary>Whether upload <paramref name="blobName"/> exists.</summary>
    public async Task<bool> UploadExistsAsync(string blobName, CancellationToken ct = default) =>
        await UploadBlob(blobName).ExistsAsync(ct).ConfigureAwait(false);

    /// <summary>The current version (<see cref="BlobVersion"/>) of upload <paramref name="blobName"/>, or null when it is gone.</summary>
    public async Task<string?> GetUploadVersionAsync(string blobName, CancellationToken ct = default)
    {
        try
        {
            BlobProperties props = await Uploads.GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false);
            return BlobVersion.Of(props.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Records a blob version as queued and enqueues its BlobCreated event. Used by uploads and by the scanner for
    /// blobs that arrived without an event. The row is written before the message so a fast worker always finds it.
    /// </summary>
    public async Task<UploadReceipt> AnnounceAsync(string blobName, string eTag, string? contentType, long contentLength,
        DateTimeOffset lastModified, CancellationToken ct = default)
    {
        var blob = UploadBlob(blobName);
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        eTag = BlobVersion.Of(eTag);
        await MarkQueuedAsync(blobName, eTag, contentType, contentLength, lastModified, eventDelivered: false, ct).ConfigureAwait(false);
        var e = BlobCreatedEventCodec.Create(Options.AccountName, StorageNames.UploadsContainer, blobName,
            blob.Uri, eTag, contentType, contentLength, lastModified);
        SendReceipt sent = await Requests.SendMessageAsync(BlobCreatedEventCodec.ToJson(e), ct).ConfigureAwait(false);
        return new UploadReceipt(blobName, eTag, e.Id, sent.MessageId);
    }

    // Announcing is asking for processing: the row goes (back) to queued, even for a version that already failed
    // (the dashboard's "retry"). Repeated *events* without an announcement stay no-ops in the worker. Where Event Grid
    // delivers the event (<paramref name="eventDelivered"/>), its worker may already be on this version: the queued
    // mark is then written only over the row as read, and not at all once the row has this version.
    private async Task MarkQueuedAsync(string blobName, string eTag, string? contentType, long contentLength, DateTimeOffset lastModified,
        bool eventDelivered, CancellationToken ct)
    {
        var row = await GetImageAsync(blobName, ct).ConfigureAwait(false) ?? ImageIndexEntity.ForBlob(blobName);
        if (eventDelivered && row.SourceETag == eTag) return;
        if (BlobVersion.Of(row.SourceETag) != eTag) row.PreviousAttempts = 0; // a new version starts counting its tries afresh
        row.Status = ImageStatus.Queued;
        row.SourceETag = eTag;
        row.ContentType = contentType;
        row.ContentLength = contentLength;
        row.UploadedAt = lastModified;
        row.QueuedAt = DateTimeOffset.UtcNow;
        row.Attempts = 0;
        row.Error = null;
        row.ErrorKind = null;
        if (eventDelivered) await TryReplaceImageAsync(row, ct).ConfigureAwait(false);
        else await UpsertImageAsync(row, ct).ConfigureAwait(false);
    }
}

/// <summary>
/// What an upload produced: the blob version and the request message that will process it — null event and message
/// where Event Grid raises the event (<see cref="StorageOptions.UploadsAnnounceThemselves"/> false).
/// </summary>
public sealed record UploadReceipt(string BlobName, string ETag, string? EventId, string? MessageId);

/// <summary>Content types for the image formats we accept, by file extension.</summary>
public static class ContentTypes
{
    public static string FromFileName(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".gif" => "image/gif",
        ".bmp" => "image/bmp",
        ".webp" => "image/webp",
        _ => "application/octet-stream",
    };
}
