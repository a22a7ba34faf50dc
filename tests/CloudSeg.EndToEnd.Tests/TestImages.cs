using System.Text.Json;
using CloudSeg.Testing;
using SkiaSharp;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>Files the browser tests drop on the upload page, copied under unique names so runs never collide.</summary>
internal static class TestImages
{
    private static readonly string ImagesFolder = Path.Combine(RepoPaths.Fixtures, "models", "images");

    /// <summary>The model the runner serves in these tests (its expected.json says which pictures have instances).</summary>
    public static string ModelDirectory { get; } = Path.Combine(RepoPaths.Fixtures, "models", "torchvision-tiny");

    /// <summary>
    /// Up to three fixture pictures the test model finds instances in, largest first (the detail page shows the first),
    /// read from the torchvision fixture's expected.json so the list follows the fixtures when they are regenerated.
    /// </summary>
    public static IReadOnlyList<string> WithInstances { get; } = PicturesWithInstances();

    private static List<string> PicturesWithInstances()
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(ModelDirectory, "expected.json")));
        return expected.RootElement.EnumerateObject()
            .Where(image => image.Value.GetProperty("instances").GetArrayLength() > 0 && File.Exists(Path.Combine(ImagesFolder, image.Name + ".png")))
            .OrderByDescending(image => image.Value.GetProperty("width").GetInt32() * image.Value.GetProperty("height").GetInt32())
            .Select(image => image.Name + ".png")
            .Take(3)
            .ToList();
    }

    public static string CopyFixture(string fixtureName, string folder, string targetName)
    {
        var target = Path.Combine(folder, targetName);
        File.Copy(Path.Combine(ImagesFolder, fixtureName), target, overwrite: true);
        return target;
    }

    public static string FixturePath(string fixtureName) => Path.Combine(ImagesFolder, fixtureName);

    /// <summary>
    /// A JPEG of a fixture picture cut off after half of its bytes: the header is intact (so the upload page accepts it) and the
    /// functions fail it as corrupt when they decode the pixels.
    /// </summary>
    public static string TruncatedJpeg(string folder, string targetName)
    {
        using var bitmap = SKBitmap.Decode(Path.Combine(ImagesFolder, WithInstances[0]));
        using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        var bytes = jpeg.ToArray();
        var target = Path.Combine(folder, targetName);
        File.WriteAllBytes(target, bytes[..(bytes.Length / 2)]);
        return target;
    }

    /// <summary>A text file named like a JPEG: the upload page refuses it before it reaches storage.</summary>
    public static string TextNamedJpeg(string folder, string targetName)
    {
        var target = Path.Combine(folder, targetName);
        File.WriteAllText(target, "these are shopping notes, not a photo");
        return target;
    }

    public static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "cloudseg-e2e-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
