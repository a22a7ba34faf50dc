using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// Sends one validated image to <c>uploads</c>; the storage facade records it as queued and raises its event. The file
/// streams from the browser straight to its blob (only its header is held, for the check), so large files cost no
/// memory here and the browser's stream is read by one reader, in order.
/// </summary>
public sealed partial class UploadService(CloudSegStorage storage, UploadValidator validator, ILogger<UploadService> logger)
{
    /// <summary>Bytes read before the upload to check the image header (a JPEG's EXIF and colour profile come before its size).</summary>
    public const int HeaderBytes = 1024 * 1024;

    /// <summary>Uploads <paramref name="content"/> (at most <paramref name="size"/> bytes) or returns why it was refused or failed.</summary>
    public async Task<UploadOutcome> UploadAsync(string fileName, long size, Stream content, CancellationToken ct)
    {
        var blobName = UploadValidator.BlobNameFor(fileName);
        if (validator.CheckFile(blobName, size) is { } refusal) return UploadOutcome.Refused(blobName, refusal);
        try
        {
            var head = new byte[(int)Math.Min(size, HeaderBytes)];
            var read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
            if (validator.CheckContent(head.AsSpan(0, read)) is { } bad)
                return UploadOutcome.Refused(blobName, bad);

            await using var file = new HeadedStream(head.AsMemory(0, read), content);
            var receipt = await storage.UploadImageAsync(blobName, file, ContentTypes.FromFileName(blobName), ct);
            LogUploaded(blobName, size, receipt.MessageId);
            return UploadOutcome.Accepted(blobName);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUploadFailed(ex, blobName);
            return UploadOutcome.Interrupted(blobName);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Uploaded {BlobName} ({Bytes} bytes) from the dashboard, request message {MessageId} (null where Event Grid raises it)")]
    private partial void LogUploaded(string blobName, long bytes, string? messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Upload of {BlobName} from the dashboard failed")]
    private partial void LogUploadFailed(Exception ex, string blobName);
}

/// <summary>What happened to one dropped file: accepted under <see cref="BlobName"/>, or refused with <see cref="Error"/>.</summary>
public sealed record UploadOutcome(string BlobName, string? Error)
{
    public static UploadOutcome Accepted(string blobName) => new(blobName, null);
    public static UploadOutcome Refused(string blobName, string error) => new(blobName, error);

    /// <summary>The transfer broke off (browser connection, storage); what the user reads instead of an exception text.</summary>
    public static UploadOutcome Interrupted(string blobName) =>
        new(blobName, "The upload did not complete: the connection to the browser or to storage was interrupted. Nothing was saved; please try again.");
}
