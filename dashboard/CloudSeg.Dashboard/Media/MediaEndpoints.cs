using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CloudSeg.Core.Imaging;
using CloudSeg.Dashboard.Security;
using CloudSeg.Dashboard.Services;
using CloudSeg.Storage;
using Microsoft.Extensions.Options;

namespace CloudSeg.Dashboard.Media;

/// <summary>
/// Images and result files streamed through the dashboard, so the browser never sees a storage URL, key or SAS:
/// every request is authorised here and read with the dashboard's own identity. Each endpoint reads only its own
/// container, by a name <see cref="BlobNamePolicy"/> accepts (the SDK would resolve <c>../models/current</c> into
/// another container). Anyone able to write a blob chooses its stored content type, so none is trusted: originals go
/// out as the picture their bytes are, anything else only as a download, and every response says <c>nosniff</c>
/// (<see cref="SecurityHeaders"/>) so HTML or SVG in <c>uploads</c> never runs as the dashboard.
/// </summary>
public static class MediaEndpoints
{
    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder app)
    {
        var media = app.MapGroup("/media").RequireAuthorization(DashboardPolicies.Reader);
        media.MapGet("/original", (HttpContext http, string? name, bool? download, CloudSegStorage s, CancellationToken ct) =>
            WithValidName(name, n => OriginalAsync(http, s.UploadBlob(n), download == true, ct)));
        media.MapGet("/display", (HttpContext http, string? name, CloudSegStorage s, IOptions<DashboardOptions> options, CancellationToken ct) =>
            WithValidName(name, n => DisplayAsync(http, s.UploadBlob(n), options.Value.DisplayMaxSide, ct)));
        media.MapGet("/thumb", (HttpContext http, string? name, CloudSegStorage s, CancellationToken ct) =>
            WithValidName(name, n => StreamAsync(http, s.ResultBlob(n, ResultLayout.ThumbnailJpeg), "image/jpeg", null, ct)));
        media.MapGet("/overlay", (HttpContext http, string? name, bool? download, CloudSegStorage s, CancellationToken ct) =>
            WithValidName(name, n => StreamAsync(http, s.ResultBlob(n, ResultLayout.OverlayPng), "image/png",
                download == true ? DownloadName(n, "overlay.png") : null, ct)));
        media.MapGet("/result", (HttpContext http, string? name, CloudSegStorage s, CancellationToken ct) =>
            WithValidName(name, n => StreamAsync(http, s.ResultBlob(n, ResultLayout.ResultJson), "application/json",
                DownloadName(n, "result.json"), ct)));
        media.MapGet("/coco", (string? name, CloudSegStorage s, CancellationToken ct) =>
            WithValidName(name, async n => await s.ReadResultAsync(n, ct) is { } result
                ? Results.Json(CocoExport.From(result), contentType: "application/json").WithDownloadName(DownloadName(n, "coco.json"))
                : NotFound()));
        return app;
    }

    /// <summary>A short plain 400 for a name outside the policy; nothing reaches storage.</summary>
    private static async Task<IResult> WithValidName(string? name, Func<string, Task<IResult>> serve) =>
        BlobNamePolicy.TryValidate(name, out var reason)
            ? await serve(name!)
            : Results.Text($"Invalid image name. {reason}", "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);

    private static IResult NotFound() => Results.Text("No such image.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound);

    /// <summary>An upload, typed by its sniffed signature; whatever is not a supported picture is an attachment.</summary>
    private static async Task<IResult> OriginalAsync(HttpContext http, BlobClient blob, bool download, CancellationToken ct)
    {
        if (await DownloadAsync(http, blob, ct) is not { } response) return NotFound();
        var header = new byte[ImageFormats.SignatureLength];
        var read = await response.Content.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct);
        var format = ImageFormats.Sniff(header.AsSpan(0, read));
        var contentType = format is { } picture ? ImageFormats.MediaType(picture) : "application/octet-stream";
        var downloadName = download || format is null ? UploadValidator.BlobNameFor(blob.Name) : null;
        var details = response.Details;
        return Results.Stream(async body =>
            {
                await body.WriteAsync(header.AsMemory(0, read), ct);
                await response.Content.CopyToAsync(body, ct);
            }, contentType, downloadName, details.LastModified,
            new Microsoft.Net.Http.Headers.EntityTagHeaderValue(details.ETag.ToString("H")));
    }

    /// <summary>The upload at screen size (<see cref="DisplayRendition"/>); a file that is no picture goes as a download, as for /original.</summary>
    private static async Task<IResult> DisplayAsync(HttpContext http, BlobClient blob, int maxSide, CancellationToken ct)
    {
        if (await DownloadAsync(http, blob, ct) is not { } response) return NotFound();
        using var buffer = new MemoryStream();
        await response.Content.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        var etag = new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{BlobVersion.Of(response.Details.ETag)}-{maxSide}\"");
        if (ImageFormats.Sniff(bytes) is not { } format)
            return Results.File(bytes, "application/octet-stream", UploadValidator.BlobNameFor(blob.Name));
        byte[]? scaled;
        try
        {
            scaled = DisplayRendition.ScaleDown(bytes, maxSide);
        }
        catch (ImageDecodeException)
        {
            scaled = null; // undecodable: the browser gets the bytes as they are and shows what it can
        }
        return scaled is null
            ? Results.File(bytes, ImageFormats.MediaType(format), lastModified: response.Details.LastModified, entityTag: etag)
            : Results.File(scaled, "image/jpeg", lastModified: response.Details.LastModified, entityTag: etag);
    }

    /// <summary>A result file (written by the functions, in a fixed format) under the type that format has.</summary>
    private static async Task<IResult> StreamAsync(HttpContext http, BlobClient blob, string contentType, string? downloadName, CancellationToken ct)
    {
        if (await DownloadAsync(http, blob, ct) is not { } response) return NotFound();
        var details = response.Details;
        return Results.Stream(response.Content, contentType, fileDownloadName: downloadName, lastModified: details.LastModified,
            entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue(details.ETag.ToString("H")));
    }

    /// <summary>The blob's content stream (disposed with the response), or null when it does not exist.</summary>
    private static async Task<BlobDownloadStreamingResult?> DownloadAsync(HttpContext http, BlobClient blob, CancellationToken ct)
    {
        try
        {
            var response = (await blob.DownloadStreamingAsync(cancellationToken: ct)).Value;
            http.Response.RegisterForDispose(response);
            return response;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
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
    public static string Display(string blobName, string? version = null) => $"/media/display?name={Uri.EscapeDataString(blobName)}{Version(version)}";
    public static string Thumbnail(string blobName, string? version = null) => $"/media/thumb?name={Uri.EscapeDataString(blobName)}{Version(version)}";
    public static string Overlay(string blobName, string? version = null) => $"/media/overlay?name={Uri.EscapeDataString(blobName)}{Version(version)}";
    public static string OverlayDownload(string blobName) => $"/media/overlay?name={Uri.EscapeDataString(blobName)}&download=true";
    public static string ResultJson(string blobName) => $"/media/result?name={Uri.EscapeDataString(blobName)}";
    public static string Coco(string blobName) => $"/media/coco?name={Uri.EscapeDataString(blobName)}";
    public static string Detail(string blobName) => $"/image?name={Uri.EscapeDataString(blobName)}";

    /// <summary>A cache-busting suffix: results of a new blob version or model have a new URL.</summary>
    private static string Version(string? version) => string.IsNullOrEmpty(version) ? "" : $"&v={Uri.EscapeDataString(version)}";
}
