using System.Text;

namespace CloudSeg.Storage;

/// <summary>
/// The one rule for blob names that arrive from outside (CLI, dashboard, queue events, the scanner, media URLs): a
/// name is valid only if it stays inside its container and displays as what it is. Blob storage (and its SDK) treats
/// <c>.</c> and <c>..</c> segments as path steps, so <c>../results/x</c> addressed through the <c>uploads</c> client
/// reaches another container; bidirectional controls make a name read differently from the bytes it is.
/// Every entry calls <see cref="Validate"/> or <see cref="TryValidate"/> before a name reaches storage.
/// </summary>
public static class BlobNamePolicy
{
    /// <summary>Blob storage's own limit on a blob name (1,024 characters), applied to the UTF-8 bytes so it is strict.</summary>
    public const int MaxUtf8Bytes = 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>True when <paramref name="name"/> is a valid blob name; otherwise false with a sentence saying why.</summary>
    public static bool TryValidate(string? name, out string reason)
    {
        reason = Check(name) ?? "";
        return reason.Length == 0;
    }

    /// <summary>Returns <paramref name="name"/> when valid; otherwise throws <see cref="InvalidBlobNameException"/> with the reason.</summary>
    public static string Validate(string? name) =>
        Check(name) is { } reason ? throw new InvalidBlobNameException(reason) : name!;

    /// <summary>
    /// <paramref name="name"/> fit for a log line or a message, even when it is refused: control and bidirectional
    /// characters appear as <c>\uXXXX</c> and very long names are cut.
    /// </summary>
    public static string Display(string? name)
    {
        if (name is null) return "(none)";
        var text = new StringBuilder(Math.Min(name.Length, DisplayLength) + 8);
        foreach (var c in name.Length > DisplayLength ? name[..DisplayLength] : name)
        {
            if (char.IsControl(c) || IsBidirectionalControl(c)) text.Append($"\\u{(int)c:X4}");
            else text.Append(c);
        }
        return name.Length > DisplayLength ? text.Append('…').ToString() : text.ToString();
    }

    private const int DisplayLength = 200;

    private static string? Check(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "The blob name is empty.";
        if (name[0] == '/')
            return "The blob name starts with '/'; names are relative to their container.";
        if (name.Contains('\\'))
            return "The blob name contains a backslash; use '/' to separate folders.";
        foreach (var c in name)
        {
            if (char.IsControl(c))
                return $"The blob name contains the control character U+{(int)c:X4}.";
            if (IsBidirectionalControl(c))
                return $"The blob name contains the invisible bidirectional character U+{(int)c:X4}, which makes it display differently from what it is.";
        }
        int bytes;
        try { bytes = StrictUtf8.GetByteCount(name); }
        catch (EncoderFallbackException) { return "The blob name is not valid Unicode (it contains an unpaired surrogate)."; }
        if (bytes > MaxUtf8Bytes)
            return $"The blob name is {bytes:N0} bytes of UTF-8; at most {MaxUtf8Bytes:N0} are allowed.";
        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0)
                return name.EndsWith('/')
                    ? "The blob name ends with '/'; it must name a file, not a folder."
                    : "The blob name contains an empty folder ('//').";
            if (segment is "." or "..")
                return $"The blob name contains a '{segment}' segment; names must stay inside their container.";
        }
        return null;
    }

    // Explicit embeddings/overrides (U+202A–U+202E), isolates (U+2066–U+2069) and the implicit marks (LRM, RLM, ALM).
    private static bool IsBidirectionalControl(char c) =>
        c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';
}

/// <summary>A blob name refused by <see cref="BlobNamePolicy"/>; the message is the reason, fit to show to a user.</summary>
public sealed class InvalidBlobNameException(string message) : ArgumentException(message);
