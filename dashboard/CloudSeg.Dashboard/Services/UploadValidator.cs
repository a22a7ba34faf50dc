using Microsoft.Extensions.Options;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// Upload limits checked before anything reaches storage: file count, size, extension, and the file's first bytes
/// (a text file renamed .jpg is refused here with a clear message instead of costing a worker a decode).
/// </summary>
public sealed class UploadValidator(IOptions<DashboardOptions> options)
{
    private static readonly byte[][] ImageSignatures =
    [
        [0xFF, 0xD8, 0xFF],                 // JPEG
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], // PNG
        "GIF8"u8.ToArray(),                 // GIF87a / GIF89a
        "BM"u8.ToArray(),                   // BMP
    ];

    /// <summary>Bytes <see cref="CheckContent"/> needs from the start of the file.</summary>
    public const int HeaderLength = 12;

    public string? CheckFile(string fileName, long size)
    {
        var limits = options.Value;
        if (string.IsNullOrWhiteSpace(fileName)) return "The file has no name.";
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (!limits.AllowedExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
            return $"'{extension}' files are not accepted; use {string.Join(", ", limits.AllowedExtensions)}.";
        if (size == 0) return "The file is empty.";
        if (size > limits.MaxUploadBytes)
            return $"The file is {size / 1024.0 / 1024.0:0.#} MB; the limit is {limits.MaxUploadBytes / 1024.0 / 1024.0:0.#} MB.";
        return null;
    }

    /// <summary>Checks the file's magic bytes; <paramref name="header"/> holds up to <see cref="HeaderLength"/> first bytes.</summary>
    public static string? CheckContent(ReadOnlySpan<byte> header)
    {
        foreach (var signature in ImageSignatures)
        {
            if (header.StartsWith(signature)) return null;
        }
        if (header.Length >= 12 && header[..4].SequenceEqual("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8)) return null;
        return "The file is not a JPEG, PNG, GIF, BMP or WebP image.";
    }

    /// <summary>The blob name for an uploaded file: its own name without any folder part or control characters.</summary>
    public static string BlobNameFor(string fileName)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        return new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
    }
}
