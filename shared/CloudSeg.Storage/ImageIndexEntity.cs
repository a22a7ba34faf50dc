using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;

namespace CloudSeg.Storage;

/// <summary>
/// One row per uploaded blob in table <c>images</c>. PartitionKey = the container (<c>uploads</c>), RowKey =
/// <see cref="TableKeys.EncodeBlobName"/>(blob name): a blob has exactly one row, rows sort by blob name, and a
/// name prefix is a RowKey range. Filters on Status / ModelVersion / TopScore / UploadedAt / a class column run on the
/// server with continuation-token paging (<see cref="ImageQuery"/>).
/// Class membership is stored as one extra column per class, <see cref="ClassColumn"/>(name) = instance count, because
/// Table storage has no "contains" operator.
/// </summary>
public sealed class ImageIndexEntity : ITableEntity
{
    public string PartitionKey { get; set; } = StorageNames.UploadsContainer;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>The blob name inside <c>uploads</c>, unescaped.</summary>
    public string BlobName { get; set; } = "";

    /// <summary>One of <see cref="ImageStatus"/>.</summary>
    public string Status { get; set; } = ImageStatus.Queued;

    /// <summary>The blob version this row describes (ETag of the uploaded blob); idempotency key with <see cref="ModelVersion"/>.</summary>
    public string? SourceETag { get; set; }
    public long? ContentLength { get; set; }
    public string? ContentType { get; set; }

    public DateTimeOffset? UploadedAt { get; set; }
    public DateTimeOffset? QueuedAt { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }

    /// <summary>Deliveries of the request message so far (1 = first try).</summary>
    public int Attempts { get; set; }

    /// <summary>Tries of this version before a person's retry (<see cref="CloudSegStorage.RetryImageAsync"/>); 0 for a new version.</summary>
    public int PreviousAttempts { get; set; }
    public string? LastMessageId { get; set; }

    /// <summary>Human-readable reason when <see cref="Status"/> is failed (or the last transient error while retrying).</summary>
    public string? Error { get; set; }

    /// <summary>One of <see cref="FailureKind"/> when failed.</summary>
    public string? ErrorKind { get; set; }

    public int? Width { get; set; }
    public int? Height { get; set; }
    public int? InstanceCount { get; set; }

    /// <summary>Distinct class names found, comma-separated, most frequent first (for display; filter with <see cref="ClassColumn"/>).</summary>
    public string? Classes { get; set; }
    public double? TopScore { get; set; }
    public string? ModelVersion { get; set; }

    /// <summary>Folder of the results in the <c>results</c> container (<see cref="ResultLayout.FolderOf"/>).</summary>
    public string? ResultFolder { get; set; }

    public double? DownloadMs { get; set; }
    public double? DecodeMs { get; set; }
    public double? InferenceMs { get; set; }
    public double? RenderMs { get; set; }
    public double? TotalMs { get; set; }

    /// <summary>Instance counts per class, written as <see cref="ClassColumn"/> columns (not a table property itself).</summary>
    [IgnoreDataMember]
    public Dictionary<string, int> ClassCounts { get; set; } = [];

    /// <summary>Column holding the instance count of class <paramref name="className"/> (property names must be identifiers).</summary>
    public static string ClassColumn(string className)
    {
        var chars = className.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray();
        return "cls_" + new string(chars);
    }

    public static ImageIndexEntity ForBlob(string blobName) =>
        new() { RowKey = TableKeys.EncodeBlobName(blobName), BlobName = blobName };

    /// <summary>Every try of this version so far, across retries.</summary>
    public int Tries => PreviousAttempts + Attempts;

    public bool IsFinished => Status is ImageStatus.Succeeded or ImageStatus.Failed;
}
