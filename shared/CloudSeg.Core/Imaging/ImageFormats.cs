namespace CloudSeg.Core.Imaging;

/// <summary>
/// What picture some bytes are, judged from their signature alone, and the media type that goes with it. Used where
/// the stored content type cannot be trusted (anyone who can write a blob chooses it), e.g. when serving uploads.
/// </summary>
public static class ImageFormats
{
    /// <summary>Bytes <see cref="Sniff"/> needs to recognise every supported format.</summary>
    public const int SignatureLength = 16;

    /// <summary>The supported format whose signature <paramref name="header"/> starts with, or null.</summary>
    public static ImageFormat? Sniff(ReadOnlySpan<byte> header) => FormatSniffer.SupportedFormat(header);

    public static string MediaType(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        ImageFormat.Webp => "image/webp",
        ImageFormat.Bmp => "image/bmp",
        ImageFormat.Gif => "image/gif",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
