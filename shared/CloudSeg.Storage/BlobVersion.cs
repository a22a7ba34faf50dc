using Azure;

namespace CloudSeg.Storage;

/// <summary>
/// The version of a blob as CloudSeg records it: its ETag without quotes. Response headers quote ETags, blob listings
/// and Event Grid events do not, so every ETag is normalised here before it is stored or compared.
/// </summary>
public static class BlobVersion
{
    public static string Of(ETag etag) => Of(etag.ToString());

    public static string Of(ETag? etag) => etag is { } value ? Of(value) : "";

    public static string Of(string? etag) => (etag ?? "").Trim().Trim('"');
}
