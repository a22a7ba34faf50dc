using System.Text.Encodings.Web;
using System.Text.Json;

namespace CloudSeg.Core.Coco;

/// <summary>Reads and writes a COCO results file: a JSON array of <see cref="CocoResult"/>.</summary>
public static class CocoResultsJson
{
    // RLE counts use the characters '0'..'o'; the default encoder would write '<', '>' and '`' as \u escapes, which is
    // valid but unreadable. These files are data, never embedded in HTML, so the relaxed encoder is safe here.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the results as one JSON array, streaming item by item.</summary>
    public static void Write(Stream stream, IEnumerable<CocoResult> results)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(results);
        using var writer = new Utf8JsonWriter(stream, WriterOptions);
        writer.WriteStartArray();
        foreach (var result in results)
            JsonSerializer.Serialize(writer, result, CocoJsonContext.Default.CocoResult);
        writer.WriteEndArray();
    }

    public static async Task WriteAsync(Stream stream, IEnumerable<CocoResult> results, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(results);
        await using var writer = new Utf8JsonWriter(stream, WriterOptions);
        writer.WriteStartArray();
        foreach (var result in results)
        {
            JsonSerializer.Serialize(writer, result, CocoJsonContext.Default.CocoResult);
            // Keep memory flat for large result lists.
            if (writer.BytesPending > 64 * 1024)
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The results as UTF-8 JSON bytes (for blob uploads).</summary>
    public static byte[] ToUtf8Bytes(IEnumerable<CocoResult> results)
    {
        using var buffer = new MemoryStream();
        Write(buffer, results);
        return buffer.ToArray();
    }

    /// <summary>Reads a results array; throws <see cref="JsonException"/> with the position of any malformed entry.</summary>
    public static IReadOnlyList<CocoResult> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return JsonSerializer.Deserialize(stream, CocoJsonContext.Default.ListCocoResult) ?? [];
    }

    public static async Task<IReadOnlyList<CocoResult>> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return await JsonSerializer.DeserializeAsync(stream, CocoJsonContext.Default.ListCocoResult, cancellationToken).ConfigureAwait(false) ?? [];
    }
}
