using System.Security.Cryptography;
using System.Text;

namespace CloudSeg.Storage;

/// <summary>
/// Maps blob names to Table storage keys. Keys may not hold '/', '\', '#', '?' or control characters and are limited
/// to 1 KiB, while blob names may hold all of them and reach 1,024 characters. The encoding escapes exactly those
/// characters (and '%', the escape itself) per character, so a name's prefix encodes to the key's prefix: the dashboard
/// pages "folders" with a RowKey range filter on the server instead of scanning.
/// </summary>
public static class TableKeys
{
    /// <summary>Longest key we emit (in chars); beyond it a hash keeps keys unique while the prefix keeps the order.</summary>
    public const int MaxKeyLength = 400;

    private const int HashedPrefixLength = MaxKeyLength - 65;

    /// <summary>The RowKey of a blob's index row. Deterministic: the same blob always lands on the same row.</summary>
    public static string EncodeBlobName(string blobName)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        var encoded = EscapeKeyChars(blobName);
        if (encoded.Length <= MaxKeyLength) return encoded;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(blobName)));
        return encoded[..HashedPrefixLength] + "~" + hash;
    }

    /// <summary>The RowKey range [from, to) holding every blob whose name starts with <paramref name="prefix"/>.</summary>
    public static (string From, string To) PrefixRange(string prefix)
    {
        var from = EscapeKeyChars(prefix);
        return (from, from + '\uffff');
    }

    private static string EscapeKeyChars(string value)
    {
        var sb = new StringBuilder(value.Length + 8);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            var needsEscape = rune.Value is '/' or '\\' or '#' or '?' or '%' || Rune.IsControl(rune);
            if (!needsEscape)
            {
                sb.Append(rune.ToString());
                continue;
            }
            var n = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..n]) sb.Append('%').Append(b.ToString("X2"));
        }
        return sb.ToString();
    }
}
