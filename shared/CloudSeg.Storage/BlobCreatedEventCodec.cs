using System.Text;
using System.Text.Json;

namespace CloudSeg.Storage;

/// <summary>
/// Reads and writes request messages. Event Grid base64-encodes the event JSON it puts into a storage queue; the
/// Functions host's queue trigger decodes it again before handing it to us, so <see cref="Decode"/> accepts both.
/// </summary>
public static class BlobCreatedEventCodec
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Serialises the event JSON (the message body before base64, which the queue client applies).</summary>
    public static string ToJson(BlobCreatedEvent e) => JsonSerializer.Serialize(e, Json);

    /// <summary>
    /// Parses a message body: raw JSON, base64 JSON, or a one-element JSON array (Event Grid's HTTP delivery shape).
    /// Throws <see cref="FormatException"/> for anything that is not a BlobCreated event, and for an event whose blob
    /// name <see cref="BlobNamePolicy"/> refuses (a crafted <c>../results/x</c> must never reach a blob client).
    /// </summary>
    public static BlobCreatedEvent Decode(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var text = body.TrimStart();
        if (!text.StartsWith('{') && !text.StartsWith('['))
        {
            try { text = Encoding.UTF8.GetString(Convert.FromBase64String(text.Trim())); }
            catch (FormatException) { throw new FormatException("Message is neither JSON nor base64-encoded JSON."); }
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            var element = doc.RootElement.ValueKind == JsonValueKind.Array && doc.RootElement.GetArrayLength() == 1
                ? doc.RootElement[0]
                : doc.RootElement;
            var e = element.Deserialize<BlobCreatedEvent>(Json) ?? throw new FormatException("Empty event.");
            if (e.EventType != BlobCreatedEvent.EventTypeName)
                throw new FormatException($"Event type '{e.EventType}' is not {BlobCreatedEvent.EventTypeName}.");
            if (!BlobNamePolicy.TryValidate(e.BlobName, out var reason)) // BlobName also validates the subject
                throw new FormatException($"The event names blob '{BlobNamePolicy.Display(e.BlobName)}', which is refused: {reason}");
            return e;
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Message is not a valid Event Grid event: {ex.Message}", ex);
        }
    }

    /// <summary>A BlobCreated event for a blob we saw ourselves (an upload through CLI/dashboard, or the scanner).</summary>
    public static BlobCreatedEvent Create(string accountName, string container, string blobName, Uri blobUri,
        string eTag, string? contentType, long contentLength, DateTimeOffset lastModified, string api = "PutBlob") => new()
    {
        Id = Guid.NewGuid().ToString(),
        Topic = $"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/{accountName}",
        Subject = BlobCreatedEvent.SubjectFor(container, blobName),
        EventTime = DateTimeOffset.UtcNow,
        Data = new BlobCreatedEventData
        {
            Api = api,
            ClientRequestId = Guid.NewGuid().ToString(),
            RequestId = Guid.NewGuid().ToString(),
            ETag = BlobVersion.Of(eTag),
            ContentType = contentType,
            ContentLength = contentLength,
            BlobType = "BlockBlob",
            Url = blobUri.AbsoluteUri,
            // Event Grid's sequencer is a fixed-width hex string that grows with each write; the blob's last-modified
            // ticks give ours the same ordering property.
            Sequencer = lastModified.UtcTicks.ToString("x32"),
        },
        DataVersion = "",
        MetadataVersion = "1",
    };
}
