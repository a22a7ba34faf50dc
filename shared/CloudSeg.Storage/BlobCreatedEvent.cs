using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudSeg.Storage;

/// <summary>
/// A <c>Microsoft.Storage.BlobCreated</c> event in the Event Grid event schema, exactly as an Event Grid subscription
/// with a storage-queue endpoint writes it into <c>segment-requests</c> (one event per message, the JSON body
/// base64-encoded). Locally our uploads and the uploads scanner write the same shape, so one code path serves both.
/// </summary>
public sealed record BlobCreatedEvent
{
    public const string EventTypeName = "Microsoft.Storage.BlobCreated";

    [JsonPropertyName("id")] public string Id { get; init; } = "";

    /// <summary>/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{account}</summary>
    [JsonPropertyName("topic")] public string? Topic { get; init; }

    /// <summary>/blobServices/default/containers/{container}/blobs/{blob name}</summary>
    [JsonPropertyName("subject")] public string Subject { get; init; } = "";

    [JsonPropertyName("eventType")] public string EventType { get; init; } = EventTypeName;
    [JsonPropertyName("eventTime")] public DateTimeOffset EventTime { get; init; }
    [JsonPropertyName("data")] public BlobCreatedEventData Data { get; init; } = new();
    [JsonPropertyName("dataVersion")] public string DataVersion { get; init; } = "";
    [JsonPropertyName("metadataVersion")] public string MetadataVersion { get; init; } = "1";

    private const string SubjectContainers = "/blobServices/default/containers/";
    private const string SubjectBlobs = "/blobs/";

    /// <summary>Container named by <see cref="Subject"/>.</summary>
    [JsonIgnore]
    public string ContainerName => ParseSubject().Container;

    /// <summary>Blob name (unescaped) named by <see cref="Subject"/>.</summary>
    [JsonIgnore]
    public string BlobName => ParseSubject().Blob;

    public static string SubjectFor(string container, string blobName) => $"{SubjectContainers}{container}{SubjectBlobs}{blobName}";

    private (string Container, string Blob) ParseSubject()
    {
        if (!Subject.StartsWith(SubjectContainers, StringComparison.Ordinal))
            throw new FormatException($"Event subject '{Subject}' is not a blob subject.");
        var rest = Subject[SubjectContainers.Length..];
        var split = rest.IndexOf(SubjectBlobs, StringComparison.Ordinal);
        if (split <= 0 || split + SubjectBlobs.Length >= rest.Length)
            throw new FormatException($"Event subject '{Subject}' names no blob.");
        return (rest[..split], rest[(split + SubjectBlobs.Length)..]);
    }
}

/// <summary>The <c>data</c> of a BlobCreated event (Event Grid's <c>StorageBlobCreatedEventData</c>).</summary>
public sealed record BlobCreatedEventData
{
    /// <summary>The operation that created the blob: PutBlob, PutBlockList, CopyBlob, FlushWithClose…</summary>
    [JsonPropertyName("api")] public string Api { get; init; } = "PutBlob";
    [JsonPropertyName("clientRequestId")] public string? ClientRequestId { get; init; }
    [JsonPropertyName("requestId")] public string? RequestId { get; init; }
    [JsonPropertyName("eTag")] public string? ETag { get; init; }
    [JsonPropertyName("contentType")] public string? ContentType { get; init; }
    [JsonPropertyName("contentLength")] public long ContentLength { get; init; }
    [JsonPropertyName("blobType")] public string BlobType { get; init; } = "BlockBlob";
    [JsonPropertyName("url")] public string Url { get; init; } = "";

    /// <summary>Opaque; ordinal string comparison orders two events of the same blob name.</summary>
    [JsonPropertyName("sequencer")] public string? Sequencer { get; init; }
    [JsonPropertyName("storageDiagnostics")] public JsonElement? StorageDiagnostics { get; init; }
}
