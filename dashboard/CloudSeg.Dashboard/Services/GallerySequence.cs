namespace CloudSeg.Dashboard.Services;

/// <summary>
/// The gallery's current order and filter as far as it has loaded, kept per browser session (circuit), so the detail
/// page's ←/→ and Previous/Next step through exactly the images the gallery showed.
/// </summary>
public sealed class GallerySequence
{
    private IReadOnlyList<string> _names = [];

    /// <summary>The gallery's address (with its filter), for "back to the gallery".</summary>
    public string GalleryUri { get; private set; } = "/";

    public void Set(IReadOnlyList<string> names, string galleryUri)
    {
        _names = names;
        GalleryUri = galleryUri;
    }

    /// <summary>The images before and after <paramref name="name"/> in the gallery's order (null at either end or when unknown).</summary>
    public (string? Previous, string? Next) Around(string name)
    {
        var i = _names.IndexOf(name);
        if (i < 0) return (null, null);
        return (i > 0 ? _names[i - 1] : null, i < _names.Count - 1 ? _names[i + 1] : null);
    }
}

internal static class ListExtensions
{
    public static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
            if (string.Equals(list[i], value, StringComparison.Ordinal)) return i;
        return -1;
    }
}
