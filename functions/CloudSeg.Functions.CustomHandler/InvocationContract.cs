using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudSeg.Functions.CustomHandler;

/// <summary>
/// What the Functions host POSTs to <c>/{FunctionName}</c> for a non-HTTP trigger: <c>Data</c> holds one entry per
/// input binding (keyed by the binding's name in function.json), <c>Metadata</c> the trigger metadata
/// (queue: Id, DequeueCount, PopReceipt, InsertionTime…; plus <c>sys</c>).
/// </summary>
public sealed record InvocationRequest
{
    [JsonPropertyName("Data")] public Dictionary<string, JsonElement> Data { get; init; } = [];
    [JsonPropertyName("Metadata")] public Dictionary<string, JsonElement> Metadata { get; init; } = [];

    /// <summary>A binding's value as text. Queue messages arrive as a JSON string; an object is returned as its JSON.</summary>
    public string? DataText(string binding) =>
        Data.TryGetValue(binding, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    public string? MetadataText(string key) =>
        Metadata.TryGetValue(key, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    /// <summary>Queue metadata numbers come as JSON numbers, but tolerate strings too.</summary>
    public long MetadataNumber(string key, long fallback) =>
        MetadataText(key) is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : fallback;
}

/// <summary>
/// The reply: <c>Outputs</c> per output binding, <c>Logs</c> written to the host's invocation log, <c>ReturnValue</c>
/// for a <c>$return</c> binding. A non-success HTTP status fails the invocation, which is what makes the host retry
/// a queue message and, after maxDequeueCount, move it to the poison queue.
/// </summary>
public sealed record InvocationResponse
{
    [JsonPropertyName("Outputs")] public Dictionary<string, object?> Outputs { get; init; } = [];
    [JsonPropertyName("Logs")] public List<string> Logs { get; init; } = [];
    [JsonPropertyName("ReturnValue")] public object? ReturnValue { get; init; }
}
