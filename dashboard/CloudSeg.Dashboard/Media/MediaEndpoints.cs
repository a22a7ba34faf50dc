using Azure;
using Azure.Storage.Blobs;
using CloudSeg.Dashboard.Security;
using CloudSeg.Dashboard.Services;
using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Media;

/// <summary>
/// Images and result files streamed through the dashboard, so the browser never sees a storage URL, key or SAS:
/// every request is authorised here and read with the dashboard's own identity.
/// </summary>
public static class MediaEndpoints
{
    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder app)
    {
        var media = app.MapGroup("/media").RequireAuthorization(DashboardPolicies.Reader);
        media.MapGet("/original", (string name, bool? download, CloudSegStorage s, CancellationToken ct) =>
            StreamAsync(s.Uploads.GetBlobClient(name), download == true ? UploadValidator.BlobNameFor(name) : null, ct));
        media.MapGet("/thumb", (string name, CloudSegStorage s, CancellationToken ct) =>
            StreamAsync(s.ResultBlob(name, ResultLayout.ThumbnailJpeg), null, ct));
        media.MapGet("/overlay", (string name, bool? download, CloudSegStorage s, CancellationToken ct) =>
            StreamAsync(s.ResultBlob(name, ResultLayout.OverlayPng), download == true ? DownloadName(name, "overlay.png") : null, ct));
        media.MapGet("/result", (string name, CloudSegStorage s, CancellationToken ct) =>
            StreamAsync(s.ResultBlob(name, ResultLayout.ResultJson), DownloadName(name, "result.json"), ct));
        media.MapGet("/coco", async (string name, CloudSegStorage s, CancellationToken ct) =>
            await s.ReadResultAsync(name, ct) is { } result
                ? Results.Json(CocoExport.From(result), contentType: "application/json")
                    .WithDownloadName(DownloadName(name, "coco.json"))
                : Results.NotFound());
        return app;
    }

    private static async Task<IResult> StreamAsync(BlobClient blob, string? downloadName, CancellationToken ct)
    {
        try
        {
            var response = await blob.DownloadStreamingAsync(cancellationToken: ct);
            var details = response.Value.Details;
            // Blobs uploaded by other tools often say octet-stream; the name tells the browser what the picture is.
            var contentType = details.ContentType is null or "application/octet-stream" ? ContentTypes.FromFileName(blob.Name) : details.ContentType;
            return Results.Stream(response.Value.Content, contentType,
                fileDownloadName: downloadName, lastModified: details.LastModified,
                entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue(details.ETag.ToString("H")));
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return Results.NotFound();
        }
    }

    private static string DownloadName(string blobName, string file) =>
        Path.GetFileNameWithoutExtension(UploadValidator.BlobNameFor(blobName)) + "." + file;

    /// <summary>Adds Content-Disposition: attachment so the browser saves the JSON instead of showing it.</summary>
    private static IResult WithDownloadName(this IResult result, string fileName) => new DownloadResult(result, fileName);

    private sealed class DownloadResult(IResult inner, string fileName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName }.ToString();
            return inner.ExecuteAsync(httpContext);
        }
    }
}

/// <summary>URLs of the media endpoints, built in one place so pages never hand-format query strings.</summary>
public static class MediaUrls
{
    public static string Original(string blobName) => $"/media/original?name={Uri.EscapeDataString(blobName)}";
    public static string Thumbnail(string blobName, string? version = null) => $"/media/thumb?name={Uri.EscapeDataString(blobName)}{Version(version)}";
    public static string Overlay(string blobName, string? version = null) => $"/media/overlay?name={Uri.EscapeDataString(blobName)}{Version(version)}";
    public static string OverlayDownload(string blobName) => $"/media/overlay?name={Uri.EscapeDataString(blobName)}&download=true";
    public static string ResultJson(string blobName) => $"/media/result?name={Uri.EscapeDataString(blobName)}";
    public static string Coco(string blobName) => $"/media/coco?name={Uri.EscapeDataString(blobName)}";
    public static string Detail(string blobName) => $"/image?name={Uri.EscapeDataString(blobName)}";

    /// <summary>A cache-busting suffix: results of a new blob version or model have a new URL.</summary>
    private static string Version(string? version) => string.IsNullOrEmpty(version) ? "" : $"&v={Uri.EscapeDataString(version)}";
}
