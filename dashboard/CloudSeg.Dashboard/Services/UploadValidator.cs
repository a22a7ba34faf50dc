using CloudSeg.Core.Imaging;
using CloudSeg.Storage;
using Microsoft.Extensions.Options;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// Upload limits checked before anything reaches storage: a blob name <see cref="BlobNamePolicy"/> accepts, size,
/// extension and a readable image header within the functions' own limits (a text file renamed .jpg or a
/// 30000×30000 PNG is refused here with the decoder's reason instead of costing a worker a decode).
/// </summary>
public sealed class UploadValidator(IOptions<DashboardOptions> options)
{
    public string? CheckFile(string fileName, long size)
    {
        var limits = options.Value;
        if (string.IsNullOrWhiteSpace(fileName)) return "The file has no name.";
        if (!BlobNamePolicy.TryValidate(fileName, out var badName)) return badName;
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (!limits.AllowedExtensions.Contains(extension, StringComparer.OrdinalIgnoreCase))
            return $"'{extension}' files are not accepted; use {string.Join(", ", limits.AllowedExtensions)}.";
        if (size == 0) return "The file is empty.";
        if (size > limits.MaxUploadBytes)
            return $"The file is {size / 1024.0 / 1024.0:0.#} MB; the limit is {limits.MaxUploadBytes / 1024.0 / 1024.0:0.#} MB.";
        return null;
    }

    /// <summary>
    /// Reads the image header with the same decoder and limits the functions use (without decoding pixels): a text
    /// file renamed .jpg, a TIFF, a truncated header or too many pixels is refused here with the decoder's own reason.
    /// </summary>
    public string? CheckContent(ReadOnlySpan<byte> file)
    {
        try
        {
            ImageDecoder.Probe(file, options.Value.ImageLimits);
            return null;
        }
        catch (ImageDecodeException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// The blob name for an uploaded file: its own name without any folder part or control characters. Names the
    /// policy still refuses (<c>..</c>, bidirectional overrides) are refused by <see cref="CheckFile"/>.
    /// </summary>
    public static string BlobNameFor(string fileName)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        return new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
    }
}
