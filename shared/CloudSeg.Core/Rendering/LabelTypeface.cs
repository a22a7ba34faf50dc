using SkiaSharp;

namespace CloudSeg.Core.Rendering;

/// <summary>
/// The typeface for labels and captions. On headless Linux SkiaSharp finds fonts through fontconfig; a machine
/// without any font (no fonts-dejavu-core) still renders overlays, only without text.
/// </summary>
public static class LabelTypeface
{
    private static readonly string[] PreferredFamilies = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica"];

    private static readonly Lazy<SKTypeface?> Resolved = new(Resolve);

    /// <summary>True when text can be drawn; hosts can warn at start-up when it is false.</summary>
    public static bool IsAvailable => Resolved.Value is not null;

    /// <summary>The family used, or null when no font is installed.</summary>
    public static string? FamilyName => Resolved.Value?.FamilyName;

    internal static SKTypeface? Typeface => Resolved.Value;

    private static SKTypeface? Resolve()
    {
        foreach (var family in PreferredFamilies)
        {
            var typeface = SKFontManager.Default.MatchFamily(family, SKFontStyle.Bold);
            if (typeface is { GlyphCount: > 0 }) return typeface;
        }
        var fallback = SKTypeface.Default;
        return fallback.GlyphCount > 0 ? fallback : null;
    }
}
