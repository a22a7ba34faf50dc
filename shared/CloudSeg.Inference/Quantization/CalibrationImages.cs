using CloudSeg.Core.Imaging;

namespace CloudSeg.Inference.Quantization;

/// <summary>The pictures a quantization is calibrated and judged on: the first images of a folder in name order
/// (so the same folder and count give the same set), split into a calibration part and a held-back evaluation part.</summary>
public sealed record CalibrationImages(string Folder, IReadOnlyList<string> Calibration, IReadOnlyList<string> Evaluation)
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif"];

    /// <summary>Takes <paramref name="count"/> images (all when 0); a quarter of them (at least one, at most 16) are
    /// held back to measure the quantized model against the float one.</summary>
    public static CalibrationImages From(string folder, int count)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Calibration folder {folder} does not exist.");
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (count > 0) files = files.Take(count).ToList();
        if (files.Count < 2)
            throw new InvalidDataException($"Calibration needs at least 2 images; {folder} has {files.Count}.");
        var held = Math.Clamp(files.Count / 4, 1, 16);
        return new CalibrationImages(Path.GetFullPath(folder), files[..^held], files[^held..]);
    }

    public static RgbImage Decode(string path)
    {
        try
        {
            return ImageDecoder.DecodeFile(path);
        }
        catch (ImageDecodeException e)
        {
            throw new InvalidDataException($"Calibration image {path} cannot be decoded: {e.Message}", e);
        }
    }
}
