using Bunit;
using CloudSeg.Dashboard.Components.Gallery;
using CloudSeg.Dashboard.Services;
using CloudSeg.Storage;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace CloudSeg.Dashboard.Tests.Components;

/// <summary>The gallery filter bar publishes a new filter for every control, and the filter becomes the server query.</summary>
public sealed class GalleryFiltersTests
{
    private static BunitContext NewContext()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        return ctx;
    }

    private static IRenderedComponent<GalleryFilters> RenderFilters(BunitContext ctx, List<GalleryFilter> published) =>
        ctx.Render<GalleryFilters>(p => p
            .Add(x => x.ModelVersions, ["v1", "v2"])
            .Add(x => x.KnownClasses, ["circle", "square"])
            .Add(x => x.FilterChanged, f => published.Add(f)));

    [Fact]
    public async Task Status_chip_filters_by_status_and_all_clears_it()
    {
        await using var ctx = NewContext();
        var published = new List<GalleryFilter>();
        var cut = RenderFilters(ctx, published);

        cut.Find("[data-testid=status-failed]").Click();
        cut.WaitForAssertion(() => Assert.Equal(ImageStatus.Failed, published.Last().Status));

        cut.Find("[data-testid=status-all]").Click();
        cut.WaitForAssertion(() => Assert.Null(published.Last().Status));
    }

    [Fact]
    public async Task Name_and_class_boxes_set_name_fragment_and_class()
    {
        await using var ctx = NewContext();
        var published = new List<GalleryFilter>();
        var cut = RenderFilters(ctx, published);

        cut.Find("[data-testid=filter-name] input").Input("street/");
        cut.WaitForAssertion(() => Assert.Equal("street/", published.Last().NameContains));

        cut.Find("[data-testid=filter-class] input").Input("circle");
        cut.WaitForAssertion(() => Assert.Equal("circle", published.Last().ClassName));
        // Earlier choices survive later ones.
        Assert.Equal("street/", published.Last().NameContains);
        Assert.Contains("circle, square", cut.Markup); // known classes offered as a hint
    }

    [Fact]
    public async Task Min_score_slider_sets_the_minimum_top_score()
    {
        await using var ctx = NewContext();
        var published = new List<GalleryFilter>();
        var cut = RenderFilters(ctx, published);

        cut.Find("[data-testid=filter-min-score] input[type=range]").Change("0.75");

        cut.WaitForAssertion(() => Assert.Equal(0.75, published.Last().MinScore!.Value, 3));
    }

    [Fact]
    public void Filter_becomes_server_side_query_clauses()
    {
        var filter = new GalleryFilter
        {
            Status = ImageStatus.Succeeded,
            NamePrefix = " cats/ ",
            ClassName = "circle",
            MinScore = 0.5,
            ModelVersion = "v2",
            UploadedFrom = new DateTime(2026, 1, 2),
            UploadedTo = new DateTime(2026, 1, 3),
        };

        var query = filter.ToQuery();
        var odata = query.ToFilter();

        Assert.Equal("cats/", query.NamePrefix);
        Assert.Equal(new DateTimeOffset(2026, 1, 4, 0, 0, 0, TimeSpan.Zero), query.UploadedBefore); // "to" day is inclusive
        Assert.Contains("Status eq 'succeeded'", odata);
        Assert.Contains("ModelVersion eq 'v2'", odata);
        Assert.Contains(ImageIndexEntity.ClassColumn("circle") + " gt 0", odata);
        Assert.Contains("TopScore ge 0.5", odata);
        Assert.Contains("UploadedAt ge datetime'2026-01-02", odata);
    }

    [Fact]
    public void Empty_filter_asks_only_for_the_uploads_partition()
    {
        Assert.Equal("PartitionKey eq 'uploads'", GalleryFilter.None.ToQuery().ToFilter());
        Assert.Null(new GalleryFilter { MinScore = 0, Status = "  " }.ToQuery().MinTopScore);
    }

    [Fact]
    public void Class_text_matches_known_classes_by_part_ignoring_case_and_names_by_part()
    {
        var filter = new GalleryFilter { ClassName = "CIRC", NameContains = "Street", KnownClasses = ["circle", "semicircle", "square"] };

        var query = filter.ToQuery();

        Assert.Equal(["circle", "semicircle"], query.AnyClass);
        Assert.Contains($"({ImageIndexEntity.ClassColumn("circle")} gt 0 or {ImageIndexEntity.ClassColumn("semicircle")} gt 0)", query.ToFilter());
        Assert.True(filter.MatchesName(new ImageIndexEntity { BlobName = "photos/my-street-01.jpg" }));
        Assert.False(filter.MatchesName(new ImageIndexEntity { BlobName = "photos/park.jpg" }));
        Assert.Equal("Circle", new GalleryFilter { ClassName = "Circle" }.ToQuery().ClassName); // unknown: asked as typed
    }
}
