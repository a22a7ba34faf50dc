using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// Sends one validated image to <c>uploads</c>; the storage facade records it as queued and raises its event. The file
/// streams from the browser straight to its blob (only its header is held, for the check), so large files cost no
/// memory here and the browser's stream is read by one reader, in order. A name already taken is never overwritten: the
/// file is kept beside the earlier one under a numbered name, and the outcome says so.
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

            var freeName = await storage.FreeUploadNameAsync(blobName, ct);
            await using var file = new HeadedStream(head.AsMemory(0, read), content);
            if (await storage.UploadNewImageAsync(freeName, file, ContentTypes.FromFileName(freeName), ct) is not { } receipt)
                return UploadOutcome.Refused(freeName, $"Another upload named {freeName} arrived at the same moment; nothing was replaced. Please drop this file again.");
            LogUploaded(freeName, size, receipt.MessageId);
            return freeName == blobName
                ? UploadOutcome.Accepted(blobName)
                : UploadOutcome.Renamed(freeName, $"An image named {blobName} already exists; this one was kept beside it as {freeName}.");
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

/// <summary>
/// What happened to one dropped file: accepted under <see cref="BlobName"/> (with a <see cref="Note"/> when that is not
/// its own name), or refused with <see cref="Error"/>.
/// </summary>
public sealed record UploadOutcome(string BlobName, string? Error, string? Note = null)
{
    public static UploadOutcome Accepted(string blobName) => new(blobName, null);
    public static UploadOutcome Renamed(string blobName, string note) => new(blobName, null, note);
    public static UploadOutcome Refused(string blobName, string error) => new(blobName, error);

    /// <summary>The transfer broke off (browser connection, storage); what the user reads instead of an exception text.</summary>
    public static UploadOutcome Interrupted(string blobName) =>
        new(blobName, "The upload did not complete: the connection to the browser or to storage was interrupted. Nothing was saved; please try again.");
}
