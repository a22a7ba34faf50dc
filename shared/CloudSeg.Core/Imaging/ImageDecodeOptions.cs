namespace CloudSeg.Core.Imaging;

/// <summary>Limits applied while decoding untrusted images.</summary>
public sealed class ImageDecodeOptions
{
    /// <summary>
    /// Largest accepted width × height. Checked against the header before any pixel memory is allocated,
    /// so a small file announcing a huge picture (a decompression bomb) is refused cheaply.
    /// </summary>
    public long MaxPixels { get; set; } = 40_000_000;

    /// <summary>Largest accepted encoded file; streams are not read past it.</summary>
    public long MaxEncodedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Smallest accepted side length in pixels (after orientation).</summary>
    public int MinSide { get; set; } = 1;

    /// <summary>
    /// The product's limits for uploads: the defaults of the functions' MaxBlobBytes, MaxPixels and MinImageSide, and
    /// what the dashboard and the CLI check an upload against before sending it, so nothing they accept is refused later.
    /// </summary>
    public static ImageDecodeOptions ForUploads() => new() { MaxEncodedBytes = 64L * 1024 * 1024, MaxPixels = 40_000_000, MinSide = 16 };

    /// <summary>
    /// Longest side of the decoded picture; a larger one is shrunk by area averaging while its rows are decoded, so
    /// its full-size pixels are never held (except for formats decoded whole: interlaced PNG, GIF, WebP, bottom-up BMP).
    /// 0 keeps the full size. Limits apply to the stored size.
    /// </summary>
    public int MaxSide { get; set; }
}
