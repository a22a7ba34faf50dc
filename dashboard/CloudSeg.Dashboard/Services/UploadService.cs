using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>Sends one validated image to <c>uploads</c>; the storage facade records it as queued and raises its event.</summary>
public sealed class UploadService(CloudSegStorage storage, UploadValidator validator, ILogger<UploadService> logger)
{
    /// <summary>Files the upload page reads and sends at a time: enough to overlap network waits without buffering many large files.</summary>
    public const int ParallelUploads = 3;

    /// <summary>Uploads <paramref name="content"/> (at most <paramref name="size"/> bytes) or returns why it was refused.</summary>
    public async Task<UploadOutcome> UploadAsync(string fileName, long size, Stream content, CancellationToken ct)
    {
        var blobName = UploadValidator.BlobNameFor(fileName);
        if (validator.CheckFile(blobName, size) is { } refusal) return UploadOutcome.Refused(blobName, refusal);

        // The browser's stream is forward-only; buffer it (bounded by the size limit) so the header check and the upload read the same bytes.
        using var buffer = new MemoryStream(checked((int)size));
        await content.CopyToAsync(buffer, ct);
        if (validator.CheckContent(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } bad)
            return UploadOutcome.Refused(blobName, bad);

        buffer.Position = 0;
        var receipt = await storage.UploadImageAsync(blobName, buffer, ContentTypes.FromFileName(blobName), ct);
        logger.LogInformation("Uploaded {BlobName} ({Bytes} bytes) from the dashboard, request message {MessageId}",
            blobName, buffer.Length, receipt.MessageId);
        return UploadOutcome.Accepted(blobName);
    }
}

/// <summary>What happened to one dropped file: accepted under <see cref="BlobName"/>, or refused with <see cref="Error"/>.</summary>
public sealed record UploadOutcome(string BlobName, string? Error)
{
    public static UploadOutcome Accepted(string blobName) => new(blobName, null);
    public static UploadOutcome Refused(string blobName, string error) => new(blobName, error);
}
