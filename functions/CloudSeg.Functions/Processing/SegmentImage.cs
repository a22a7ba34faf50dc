using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs.Models;
using CloudSeg.Core.Imaging;
using CloudSeg.Functions.Models;
using CloudSeg.Functions.Telemetry;
using CloudSeg.Inference;
using CloudSeg.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Processing;

/// <summary>
/// The main function, independent of its trigger: one BlobCreated event in, result.json + overlay.png + thumb.jpg and
/// an index row out. Idempotent on (blob ETag, model version). Bad input is recorded as failed at once; anything else is
/// treated as transient and retried until the last allowed delivery, which records the failure and poisons the message.
/// </summary>
public sealed partial class SegmentImage(
    CloudSegStorage storage,
    ModelProvider models,
    PixelBudget pixelBudget,
    IOptions<FunctionsOptions> options,
    FunctionsMetrics metrics,
    ILogger<SegmentImage> logger)
{
    private int _inFlight;
    private long _finished;

    private FunctionsOptions Options => options.Value;

    /// <summary>Images running now and images finished so far (in any way), for <see cref="IdleMemoryTrimmer"/>.</summary>
    internal (int InFlight, long Finished) Activity => (Volatile.Read(ref _inFlight), Interlocked.Read(ref _finished));

    /// <summary>Runs on a raw queue message body (base64 or JSON Event Grid event).</summary>
    public async Task<SegmentOutcome> RunAsync(string messageBody, MessageDelivery delivery, CancellationToken ct)
    {
        BlobCreatedEvent e;
        try
        {
            e = BlobCreatedEventCodec.Decode(messageBody);
        }
        catch (FormatException ex)
        {
            LogUnreadableMessage(delivery.MessageId, ex.Message);
            return new SegmentOutcome(SegmentOutcomeKind.Unreadable, ex.Message);
        }
        return await RunAsync(e, delivery, ct).ConfigureAwait(false);
    }

    public async Task<SegmentOutcome> RunAsync(BlobCreatedEvent e, MessageDelivery delivery, CancellationToken ct)
    {
        if (e.ContainerName != StorageNames.UploadsContainer)
        {
            var reason = $"Event for container '{BlobNamePolicy.Display(e.ContainerName)}', not '{StorageNames.UploadsContainer}'.";
            LogOtherContainer(delivery.MessageId, BlobNamePolicy.Display(e.BlobName), reason);
            return new SegmentOutcome(SegmentOutcomeKind.Ignored, reason);
        }
        var blobName = e.BlobName;
        // A message-template scope: the console formatter prints it as text ("Blob x.jpg, message …"), where a
        // dictionary scope printed as its type name; structured sinks still get BlobName, MessageId and DequeueCount.
        using var scope = logger.BeginScope("Blob {BlobName}, message {MessageId}, delivery {DequeueCount}", blobName, delivery.MessageId, delivery.DequeueCount);
        using var activity = FunctionsMetrics.ActivitySource.StartActivity("SegmentImage");
        activity?.SetTag("blob.name", blobName);

        var started = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _inFlight);
        try
        {
            return await RunWithModelAsync(e, delivery, started, ct).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Increment(ref _finished);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task<SegmentOutcome> RunWithModelAsync(BlobCreatedEvent e, MessageDelivery delivery, long started, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct).ConfigureAwait(false);
        using var lease = await models.AcquireAsync(ct).ConfigureAwait(false);
        var row = await storage.GetImageAsync(e.BlobName, ct).ConfigureAwait(false) ?? ImageIndexEntity.ForBlob(e.BlobName);
        try
        {
            return await ProcessAsync(e, row, lease, delivery, started, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw; // shutting down: the message becomes visible again and is retried elsewhere
        }
        catch (ImageDecodeException ex)
        {
            return await FailAsync(row, FailureKind.BadInput, ex.Message, delivery, ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return await TransientAsync(row, ex, delivery, ct).ConfigureAwait(false);
        }
    }

    private async Task<SegmentOutcome> ProcessAsync(BlobCreatedEvent e, ImageIndexEntity row, ModelLease lease,
        MessageDelivery delivery, long started, CancellationToken ct)
    {
        // A repeated event (at-least-once delivery) is recognised from the event alone, without touching the blob.
        if (IsDone(row, BlobVersion.Of(e.Data.ETag), lease.Version)) return AlreadyDone(row, lease);

        var stages = new StageClock();
        BlobDownloadStreamingResult download;
        try
        {
            download = await storage.DownloadUploadAsync(e.BlobName, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && row.ETag == default)
        {
            // No upload, announcement or earlier run ever recorded this blob: a stray or forged event. A failed row
            // would only put a name nobody uploaded on the failures page.
            LogMissingBlobDropped(delivery.MessageId);
            return new SegmentOutcome(SegmentOutcomeKind.Ignored, "The event names a blob that does not exist and was never recorded.");
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return await SupersededAsync(row, BlobVersion.Of(e.Data.ETag), current: null, touchedResults: false, ct).ConfigureAwait(false);
        }
        byte[] bytes;
        var details = download.Details;
        using (download)
        {
            var etag = BlobVersion.Of(details.ETag);
            if (IsDone(row, etag, lease.Version)) return AlreadyDone(row, lease);
            row.SourceETag = etag;
            row.ContentLength = details.ContentLength;
            row.ContentType = details.ContentType;
            row.UploadedAt ??= details.LastModified;
            row.Attempts = (int)delivery.DequeueCount;
            row.LastMessageId = delivery.MessageId;
            if (details.ContentLength > Options.MaxBlobBytes)
            {
                return await FailAsync(row, FailureKind.BadInput,
                    $"The file is {details.ContentLength:N0} bytes; the limit is {Options.MaxBlobBytes:N0} bytes.", delivery, ct).ConfigureAwait(false);
            }
            bytes = new byte[details.ContentLength];
            await download.Content.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
        }
        stages.Mark("download");
        row.Status = ImageStatus.Processing;
        // The "processing" mark is for observers only; it is written while the image is decoded and segmented, and
        // only over the row as it was read: it must not hide a newer version announced meanwhile.
        var marked = storage.TryReplaceImageAsync(row, ct);
        ImageInfo info;
        Segmentation segmentation;
        byte[] overlay, thumbnail;
        try
        {
            info = ImageDecoder.Probe(bytes);
            // Decoded no larger than the model looks at it (nor than the overlay shows it): results still come in the
            // picture's full size, but a huge picture never sits in memory at that size.
            var working = lease.Segmenter.WorkingSize(info.Width, info.Height);
            var decodeOptions = new ImageDecodeOptions
            {
                MaxPixels = Options.MaxPixels,
                MinSide = Options.MinImageSide,
                MaxSide = Math.Max(Math.Max(working.Width, working.Height), Options.OverlayMaxSide),
            };
            RgbImage image;
            using (await pixelBudget.AcquireAsync(info.PixelCount, ct).ConfigureAwait(false))
            {
                image = ImageDecoder.Decode(bytes, decodeOptions);
            }
            stages.Mark("decode");

            segmentation = await lease.Segmenter.SegmentAsync(image, new SegmentRequestOptions { SourceSize = (info.Width, info.Height) }, ct)
                .ConfigureAwait(false);
            stages.Mark("segment");

            (overlay, thumbnail) = ResultRendering.Render(image, segmentation, Options.ThumbnailMaxSide);
            stages.Mark("render");
        }
        finally
        {
            // Every later write replaces the row; the "processing" write must have landed first.
            await marked.ConfigureAwait(false);
        }
        var timings = stages.ToTimings(segmentation.Timings);
        timings["total"] = StageClock.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        var document = ResultDocumentBuilder.Build(e.BlobName, row, info, segmentation, lease, delivery, timings);
        var totalMs = 0.0;
        var superseded = await CommitAsync(row, row.SourceETag!,
            writeResults: () => storage.WriteResultAsync(e.BlobName, document, overlay, thumbnail, ct),
            describe: () =>
            {
                stages.Mark("upload");
                totalMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                ResultDocumentBuilder.Describe(row, document, lease.Version, stages, totalMs);
            }, ct).ConfigureAwait(false);
        if (superseded is not null) return superseded;
        metrics.Processed(lease.Version, totalMs);
        LogSucceeded(segmentation.Instances.Count, lease.Version, totalMs);
        return new SegmentOutcome(SegmentOutcomeKind.Succeeded);
    }

    /// <summary>This blob version already has its outcome: a result from this model, or a rejection as bad input.</summary>
    private static bool IsDone(ImageIndexEntity row, string etag, string modelVersion) =>
        etag.Length > 0 && row.SourceETag == etag
        && (row.Status == ImageStatus.Succeeded && row.ModelVersion == modelVersion
            || row.Status == ImageStatus.Failed && row.ErrorKind == FailureKind.BadInput);

    private SegmentOutcome AlreadyDone(ImageIndexEntity row, ModelLease lease)
    {
        LogAlreadyDone(row.SourceETag ?? "", lease.Version, row.Status);
        return new SegmentOutcome(SegmentOutcomeKind.AlreadyDone);
    }

    private async Task<SegmentOutcome> FailAsync(ImageIndexEntity row, string kind, string reason, MessageDelivery delivery, CancellationToken ct)
    {
        // A new version that turned out bad must not leave the previous version's masks looking current.
        var superseded = await CommitAsync(row, row.SourceETag ?? "",
            writeResults: () => storage.DeleteResultAsync(row.BlobName, ct),
            describe: () => MarkFailed(row, kind, reason, delivery), ct).ConfigureAwait(false);
        if (superseded is not null) return superseded;
        metrics.Failed(kind);
        LogFailed(kind, reason);
        return new SegmentOutcome(SegmentOutcomeKind.Failed, reason);
    }

    private async Task<SegmentOutcome> TransientAsync(ImageIndexEntity row, Exception ex, MessageDelivery delivery, CancellationToken ct)
    {
        var reason = $"{ex.GetType().Name}: {ex.Message}";
        if (delivery.DequeueCount >= StorageNames.MaxDequeueCount)
        {
            MarkFailed(row, FailureKind.Poisoned, $"Gave up after {delivery.DequeueCount} attempts; last error: {reason}", delivery);
            await TryRecordAsync(row, ct).ConfigureAwait(false);
            metrics.Failed(FailureKind.Poisoned);
            LogPoisoned(ex, delivery.DequeueCount);
            return new SegmentOutcome(SegmentOutcomeKind.Poisoned, row.Error);
        }
        var retryAfter = RetryBackoff.For(delivery.DequeueCount, Options.RetryBaseDelay, Options.RetryMaxDelay);
        row.Status = ImageStatus.Queued;
        row.Error = $"Attempt {delivery.DequeueCount} failed, retrying in {retryAfter.TotalSeconds:0.#} s: {reason}";
        row.Attempts = (int)delivery.DequeueCount;
        await TryRecordAsync(row, ct).ConfigureAwait(false);
        metrics.Retried();
        LogRetry(ex, delivery.DequeueCount, retryAfter);
        return new SegmentOutcome(SegmentOutcomeKind.Retry, reason, retryAfter);
    }

    private static void MarkFailed(ImageIndexEntity row, string kind, string reason, MessageDelivery delivery)
    {
        row.Status = ImageStatus.Failed;
        row.ErrorKind = kind;
        row.Error = reason;
        row.Attempts = (int)delivery.DequeueCount;
        row.LastMessageId = delivery.MessageId;
        row.ProcessedAt = DateTimeOffset.UtcNow;
        row.InstanceCount = null;
        row.Classes = null;
        row.TopScore = null;
        row.ClassCounts.Clear();
        row.ResultFolder = null;
    }

    // A failure path must not throw again (the storage outage may be the very failure being recorded). Only over this
    // run's own row: whoever wrote it since (a newer version, a delete) knows better than a failed attempt.
    private async Task TryRecordAsync(ImageIndexEntity row, CancellationToken ct)
    {
        try
        {
            await storage.TryReplaceImageAsync(row, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not record status {Status} for {BlobName}", row.Status, row.BlobName);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} is not a BlobCreated event; it goes to the poison queue: {Reason}")]
    private partial void LogUnreadableMessage(string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} about blob {BlobName} is dropped: {Reason}")]
    private partial void LogOtherContainer(string messageId, string blobName, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} is dropped: its blob does not exist and has no index row")]
    private partial void LogMissingBlobDropped(string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Already done: blob version {ETag} has status {Status} for model {ModelVersion}")]
    private partial void LogAlreadyDone(string etag, string modelVersion, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Segmented: {InstanceCount} instances with model {ModelVersion} in {TotalMs:0} ms")]
    private partial void LogSucceeded(int instanceCount, string modelVersion, double totalMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Failed ({ErrorKind}), not retried: {Reason}")]
    private partial void LogFailed(string errorKind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Attempt {Attempt} failed; retry in {RetryAfter}")]
    private partial void LogRetry(Exception ex, long attempt, TimeSpan retryAfter);

    [LoggerMessage(Level = LogLevel.Error, Message = "Attempt {Attempt} failed, the last one allowed: moving the message to the poison queue")]
    private partial void LogPoisoned(Exception ex, long attempt);
}
