using CloudSeg.Core.Imaging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// Upload limits checked before anything reaches storage: size, extension and a readable image header (a text file
/// renamed .jpg is refused here with a clear message instead of costing a worker a decode).
/// </summary>
public sealed class UploadValidator(IOptions<DashboardOptions> options)
{
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

    /// <summary>
    /// Reads the image header with the same decoder the functions use (without decoding pixels): a text file renamed
    /// .jpg, a TIFF or a truncated header is refused here with the decoder's own reason.
    /// </summary>
    public static string? CheckContent(ReadOnlySpan<byte> file)
    {
        try
        {
            ImageDecoder.Probe(file);
            return null;
        }
        catch (ImageDecodeException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The blob name for an uploaded file: its own name without any folder part or control characters.</summary>
    public static string BlobNameFor(string fileName)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        return new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
    }
}
