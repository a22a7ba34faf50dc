using CloudSeg.Core.Masks;
using CloudSeg.Storage;
using SkiaSharp;

namespace CloudSeg.Dashboard.Tests.Storage;

/// <summary>
/// Writes what the functions host would write for one image — the upload, result.json with real RLE masks, the
/// overlay and thumbnail, the index row — so the dashboard's reads can be tested without running a model.
/// </summary>
internal static class SeededResults
{
    public const int Width = 64;
    public const int Height = 48;

    /// <summary>A PNG with a red disc (centre 20,20 r 10) and a blue square (38..55, 10..27), and their masks.</summary>
    public static (byte[] Png, IReadOnlyList<(string Class, byte[] Mask)> Masks) ShapesImage()
    {
        using var bitmap = new SKBitmap(Width, Height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(230, 230, 230));
            using var red = new SKPaint { Color = SKColors.Red, IsAntialias = false };
            using var blue = new SKPaint { Color = SKColors.Blue, IsAntialias = false };
            canvas.DrawCircle(20, 20, 10, red);
            canvas.DrawRect(38, 10, 18, 18, blue);
        }
        var disc = new byte[Width * Height];
        var square = new byte[Width * Height];
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                if (pixel == SKColors.Red) disc[y * Width + x] = 1;
                if (pixel == SKColors.Blue) square[y * Width + x] = 1;
            }
        }
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return (png.ToArray(), [("circle", disc), ("square", square)]);
    }

    /// <summary>Seeds one succeeded image named <paramref name="blobName"/> and returns its result.</summary>
    public static async Task<ResultDocument> SeedSucceededAsync(CloudSegStorage storage, string blobName, string modelVersion = "v1")
    {
        var (png, masks) = ShapesImage();
        await storage.EnsureCreatedAsync();
        var upload = await storage.Uploads.GetBlobClient(blobName).UploadAsync(new BinaryData(png), overwrite: true);
        var instances = masks.Select((m, i) =>
        {
            var rle = RleMask.Encode(m.Mask, Height, Width);
            var box = rle.BoundingBox;
            return new ResultInstance(i + 1, m.Class, 0.95 - 0.3 * i, 0.8 - 0.1 * i,
                [box.X1, box.Y1, box.Width, box.Height], rle.Area, new ResultRle([Height, Width], rle.ToCompressedString()));
        }).ToList();
        var result = new ResultDocument
        {
            Source = new ResultSource(StorageNames.UploadsContainer, blobName, upload.Value.ETag.ToString(), "image/png", png.Length),
            Image = new ResultImage(Width, Height, "png"),
            Model = new ResultModel("seeded", modelVersion, "CPU", true),
            Instances = instances,
            TimingsMs = new Dictionary<string, double> { ["total"] = 12.5, ["inference"] = 8 },
            ProcessedAt = DateTimeOffset.UtcNow,
            Attempt = 1,
        };
        await storage.WriteResultAsync(blobName, result, png, png);
        var row = ImageIndexEntity.ForBlob(blobName);
        row.Status = ImageStatus.Succeeded;
        row.SourceETag = result.Source.ETag;
        row.UploadedAt = DateTimeOffset.UtcNow;
        row.ProcessedAt = DateTimeOffset.UtcNow;
        row.Width = Width;
        row.Height = Height;
        row.InstanceCount = instances.Count;
        row.Classes = "circle,square";
        row.ClassCounts = new Dictionary<string, int> { ["circle"] = 1, ["square"] = 1 };
        row.TopScore = 0.95;
        row.ModelVersion = modelVersion;
        row.ResultFolder = ResultLayout.FolderOf(blobName);
        row.TotalMs = 12.5;
        await storage.UpsertImageAsync(row);
        return result;
    }

    /// <summary>An index row only (no blobs), for paging and filter tests.</summary>
    public static ImageIndexEntity Row(string blobName, string status, string? classes = null, double? topScore = null, string? model = null)
    {
        var row = ImageIndexEntity.ForBlob(blobName);
        row.Status = status;
        row.UploadedAt = DateTimeOffset.UtcNow;
        row.Classes = classes;
        row.TopScore = topScore;
        row.ModelVersion = model;
        foreach (var c in (classes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)) row.ClassCounts[c] = 1;
        return row;
    }
}
