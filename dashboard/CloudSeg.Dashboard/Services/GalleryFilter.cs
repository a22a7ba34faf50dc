using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>What the gallery's filter bar asks for; every field maps onto a server-side <see cref="ImageQuery"/> clause.</summary>
public sealed record GalleryFilter
{
    public string? Status { get; init; }
    public string? NamePrefix { get; init; }
    public string? ClassName { get; init; }
    public double? MinScore { get; init; }
    public string? ModelVersion { get; init; }
    public DateTime? UploadedFrom { get; init; }
    public DateTime? UploadedTo { get; init; }

    public static GalleryFilter None { get; } = new();

    public ImageQuery ToQuery() => new()
    {
        Status = Blank(Status),
        NamePrefix = Blank(NamePrefix),
        ClassName = Blank(ClassName),
        MinTopScore = MinScore is > 0 ? MinScore : null,
        ModelVersion = Blank(ModelVersion),
        UploadedAfter = UploadedFrom is { } from ? new DateTimeOffset(from.Date, TimeSpan.Zero) : null,
        // The "to" day is inclusive in the UI, so the query ends at the start of the next day.
        UploadedBefore = UploadedTo is { } to ? new DateTimeOffset(to.Date.AddDays(1), TimeSpan.Zero) : null,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
