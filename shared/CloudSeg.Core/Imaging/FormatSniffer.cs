using System.Text;

namespace CloudSeg.Core.Imaging;

/// <summary>
/// Names what a byte sequence looks like from its first bytes, so a refusal can say "this is HTML" or
/// "this is a damaged JPEG" instead of a generic codec failure.
/// </summary>
internal static class FormatSniffer
{
    public static ImageFormat? SupportedFormat(ReadOnlySpan<byte> data)
    {
        if (Starts(data, 0xFF, 0xD8, 0xFF)) return ImageFormat.Jpeg;
        if (Starts(data, 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A)) return ImageFormat.Png;
        if (data.StartsWith("GIF87a"u8) || data.StartsWith("GIF89a"u8)) return ImageFormat.Gif;
        if (data.StartsWith("BM"u8) && data.Length >= 14) return ImageFormat.Bmp;
        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8)) return ImageFormat.Webp;
        return null;
    }

    /// <summary>A picture format that exists but that we do not decode, or null.</summary>
    public static string? UnsupportedImageFormat(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("II*\0"u8) || data.StartsWith("MM\0*"u8)) return "TIFF";
        if (data.Length >= 12 && data[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = data[8..12];
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8)) return "AVIF";
            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8)) return "HEIF";
        }
        if (Starts(data, 0x00, 0x00, 0x01, 0x00) || Starts(data, 0x00, 0x00, 0x02, 0x00)) return "ICO";
        if (Starts(data, 0xFF, 0x0A) || Starts(data, 0x00, 0x00, 0x00, 0x0C, (byte)'J', (byte)'X', (byte)'L', (byte)' ')) return "JPEG XL";
        if (Starts(data, 0x00, 0x00, 0x00, 0x0C, (byte)'j', (byte)'P', (byte)' ', (byte)' ')) return "JPEG 2000";
        if (data.StartsWith("8BPS"u8)) return "PSD";
        if (data.StartsWith("%PDF"u8)) return "PDF";
        return null;
    }

    /// <summary>A short human description of non-image bytes ("HTML", "text", "binary data").</summary>
    public static string DescribeNonImage(ReadOnlySpan<byte> data)
    {
        var head = data[..Math.Min(data.Length, 512)];
        if (LooksLikeText(head))
        {
            var text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
            if (text.StartsWith('<'))
            {
                var lower = text.ToLowerInvariant();
                if (lower.StartsWith("<!doctype html") || lower.Contains("<html")) return "HTML";
                if (lower.StartsWith("<svg") || lower.Contains("<svg")) return "SVG (vector graphics are not decoded)";
                return "XML/markup text";
            }
            if (text.StartsWith('{') || text.StartsWith('[')) return "JSON text";
            return "text";
        }
        return "binary data of an unknown format";
    }

    private static bool Starts(ReadOnlySpan<byte> data, params ReadOnlySpan<byte> prefix) => data.StartsWith(prefix);

    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty) return false;
        var control = 0;
        foreach (var b in head)
        {
            if (b == 0) return false;
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C)) control++;
        }
        // A few stray control bytes are tolerated; real binary formats have many.
        return control * 20 < head.Length;
    }
}
