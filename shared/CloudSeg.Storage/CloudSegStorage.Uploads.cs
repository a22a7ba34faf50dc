using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues.Models;

namespace CloudSeg.Storage;

public sealed partial class CloudSegStorage
{
    /// <summary>
    /// Uploads an image to <c>uploads/&lt;blobName&gt;</c> (overwriting), marks it queued in the index and enqueues its
    /// BlobCreated event — what Event Grid would do in Azure, done here so local uploads behave the same.
    /// </summary>
    public async Task<UploadReceipt> UploadImageAsync(string blobName, Stream content, string? contentType = null, CancellationToken ct = default)
    {
        var blob = UploadBlob(blobName);
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var headers = new BlobHttpHeaders { ContentType = contentType ?? ContentTypes.FromFileName(blobName) };
        await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = headers }, ct).ConfigureAwait(false);
        return await AnnounceCurrentAsync(blobName, ct).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Upload {blobName} was deleted right after it was written.");
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
        // Announcing is asking for processing: the row goes (back) to queued, even for a version that already failed
        // (the dashboard's "retry"). Repeated *events* without an announcement stay no-ops in the worker.
        var row = await GetImageAsync(blobName, ct).ConfigureAwait(false) ?? ImageIndexEntity.ForBlob(blobName);
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
        await UpsertImageAsync(row, ct).ConfigureAwait(false);

        var e = BlobCreatedEventCodec.Create(Options.AccountName, StorageNames.UploadsContainer, blobName,
            blob.Uri, eTag, contentType, contentLength, lastModified);
        SendReceipt sent = await Requests.SendMessageAsync(BlobCreatedEventCodec.ToJson(e), ct).ConfigureAwait(false);
        return new UploadReceipt(blobName, eTag, e.Id, sent.MessageId);
    }
}

/// <summary>What an upload produced: the blob version and the request message that will process it.</summary>
public sealed record UploadReceipt(string BlobName, string ETag, string EventId, string MessageId);

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
