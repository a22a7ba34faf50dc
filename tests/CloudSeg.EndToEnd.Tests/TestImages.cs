using CloudSeg.Testing;
using SkiaSharp;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>Files the browser tests drop on the upload page, copied under unique names so runs never collide.</summary>
internal static class TestImages
{
    /// <summary>Fixture pictures the bundled test model finds instances in (see tests/fixtures/models/*/expected.json).</summary>
    public static readonly string[] WithInstances = ["landscape_320x240.png", "portrait_180x260.png", "wide_420x120.png"];

    public static string CopyFixture(string fixtureName, string folder, string targetName)
    {
        var target = Path.Combine(folder, targetName);
        File.Copy(Path.Combine(RepoPaths.Fixtures, "models", "images", fixtureName), target, overwrite: true);
        return target;
    }

    /// <summary>
    /// A 320×240 JPEG cut off after half of its bytes: the header is intact (so the upload page accepts it) and the
    /// functions fail it as corrupt when they decode the pixels.
    /// </summary>
    public static string TruncatedJpeg(string folder, string targetName)
    {
        using var bitmap = SKBitmap.Decode(Path.Combine(RepoPaths.Fixtures, "models", "images", "landscape_320x240.png"));
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
