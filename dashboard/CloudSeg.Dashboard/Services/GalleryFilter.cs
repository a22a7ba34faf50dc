using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// What the gallery's filter bar (and its address) asks for. Every field but <see cref="NameContains"/> maps onto a
/// server-side <see cref="ImageQuery"/> clause; a name fragment can only be matched row by row (Table storage has no
/// "contains"), which <see cref="GalleryService"/> does while it pages.
/// </summary>
public sealed record GalleryFilter
{
    public string? Status { get; init; }

    /// <summary>A "folder": names starting with this, a server-side key range (the address's <c>folder=</c>).</summary>
    public string? NamePrefix { get; init; }

    /// <summary>Names containing this, ignoring case.</summary>
    public string? NameContains { get; init; }

    /// <summary>A class name or part of one, ignoring case: matched against <see cref="KnownClasses"/>.</summary>
    public string? ClassName { get; init; }

    public double? MinScore { get; init; }
    public string? ModelVersion { get; init; }
    public DateTime? UploadedFrom { get; init; }
    public DateTime? UploadedTo { get; init; }

    /// <summary>Class names the registry's models know (not chosen by the user): what <see cref="ClassName"/> is matched against.</summary>
    public IReadOnlyList<string> KnownClasses { get; init; } = [];

    public static GalleryFilter None { get; } = new();

    public ImageQuery ToQuery()
    {
        var classText = Blank(ClassName);
        var matches = classText is null ? [] : KnownClasses.Where(c => c.Contains(classText, StringComparison.OrdinalIgnoreCase)).ToList();
        return new()
        {
            Status = Blank(Status),
            NamePrefix = Blank(NamePrefix),
            // No known class contains the text: ask for it as typed (a class of an older model may still match exactly).
            ClassName = matches.Count == 0 ? classText : null,
            AnyClass = matches.Count > 0 ? matches : null,
            MinTopScore = MinScore is > 0 ? MinScore : null,
            ModelVersion = Blank(ModelVersion),
            UploadedAfter = UploadedFrom is { } from ? new DateTimeOffset(from.Date, TimeSpan.Zero) : null,
            // The "to" day is inclusive in the UI, so the query ends at the start of the next day.
            UploadedBefore = UploadedTo is { } to ? new DateTimeOffset(to.Date.AddDays(1), TimeSpan.Zero) : null,
        };
    }

    /// <summary>Whether <paramref name="row"/> passes the part of the filter the server cannot evaluate.</summary>
    public bool MatchesName(ImageIndexEntity row) =>
        Blank(NameContains) is not { } text || row.BlobName.Contains(text, StringComparison.OrdinalIgnoreCase);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
