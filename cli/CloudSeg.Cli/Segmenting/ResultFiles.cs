using CloudSeg.Core.Coco;
using CloudSeg.Core.Imaging;
using CloudSeg.Core.Rendering;
using CloudSeg.Inference;

namespace CloudSeg.Cli.Segmenting;

/// <summary>The files <c>cloudseg segment</c> writes per image: <c>&lt;stem&gt;.json</c> (COCO results list) and
/// <c>&lt;stem&gt;.overlay.png</c>.</summary>
public static class ResultFiles
{
    public static string JsonPath(string outputDirectory, string stem) => Path.Combine(outputDirectory, stem + ".json");

    public static string OverlayPath(string outputDirectory, string stem) => Path.Combine(outputDirectory, stem + ".overlay.png");

    public static async Task WriteAsync(string outputDirectory, ImageJob job, RgbImage image, Segmentation segmentation, CancellationToken ct)
    {
        var results = segmentation.Instances
            .Select(i => CocoResult.From(job.ImageId, i.CategoryId, i.Box, i.Score, i.Mask, i.MaskIou))
            .ToList();
        // Coloured by score rank (Palette's one rule), as the service's overlay and the dashboard colour them.
        var overlay = OverlayRenderer.RenderPng(image, segmentation.Instances
            .OrderByDescending(i => i.Score)
            .Select((i, rank) => new OverlayInstance(i.Mask, i.Box, i.ClassName, i.Score, rank))
            .ToList());
        // Write to a temporary name and move, so a reader never sees half a file and a failed run leaves none.
        await WriteAtomicallyAsync(JsonPath(outputDirectory, job.Stem), CocoResultsJson.ToUtf8Bytes(results), ct);
        await WriteAtomicallyAsync(OverlayPath(outputDirectory, job.Stem), overlay, ct);
    }

    private static async Task WriteAtomicallyAsync(string path, byte[] bytes, CancellationToken ct)
    {
        var temporary = path + ".partial";
        await File.WriteAllBytesAsync(temporary, bytes, ct);
        File.Move(temporary, path, overwrite: true);
    }
}
