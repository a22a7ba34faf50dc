namespace CloudSeg.Storage;

/// <summary>
/// Where an image's results live in the <c>results</c> container: <c>&lt;blob path&gt;/result.json</c>,
/// <c>overlay.png</c> and <c>thumb.jpg</c>. Path segments that URL normalisation would swallow ("", ".", "..")
/// are percent-escaped so every upload keeps its own folder and nothing escapes upwards.
/// </summary>
public static class ResultLayout
{
    public const string ResultJson = "result.json";
    public const string OverlayPng = "overlay.png";
    public const string ThumbnailJpeg = "thumb.jpg";

    /// <summary>The folder (no trailing slash) of the results of upload <paramref name="blobName"/>.</summary>
    public static string FolderOf(string blobName)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        var segments = blobName.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = segments[i] switch
            {
                "" => "%00",
                "." => "%2E",
                ".." => "%2E%2E",
                var s => s,
            };
        }
        return string.Join('/', segments);
    }

    public static string ResultJsonPath(string blobName) => FolderOf(blobName) + "/" + ResultJson;
    public static string OverlayPath(string blobName) => FolderOf(blobName) + "/" + OverlayPng;
}
