namespace CloudSeg.EndToEnd.Tests;

/// <summary>Every page of the dashboard with what shows it is ready: one list for the layout checks and the screenshots.</summary>
internal static class DashboardPages
{
    public sealed record Page(string Name, string Path, string ReadySelector);

    /// <param name="succeeded">An image the runner segmented (its detail page).</param>
    /// <param name="failed">An image the runner failed (the failed detail page; the failures page lists it).</param>
    public static IReadOnlyList<Page> All(string succeeded, string failed) =>
    [
        // Succeeded images only: failures have no thumbnail, and thumbnails below the fold load lazily (not visible
        // until scrolled to).
        new("gallery", "/?status=succeeded", "[data-testid=gallery-tile] img.gallery-thumb"),
        new("upload", "/upload", "[data-testid=drop-zone]"),
        new("failures", "/failures", "[data-testid=failure-name]"),
        new("models", "/models", "[data-testid=model-card]"),
        new("training", "/training", "[data-testid=retrain-now]"),
        new("operations", "/operations", "[data-testid=ops-status]"),
        new("detail", PageExtensions.DetailPath(succeeded), "[data-testid=overlay-canvas]"),
        new("detail-failed", PageExtensions.DetailPath(failed), "[data-testid=failure-reason]"),
        new("not-found", "/no-such-page", "h1"),
    ];

    public static TheoryData<string, int, int> Viewports => new() { { "phone", 390, 844 }, { "desktop", 1400, 900 } };
}
