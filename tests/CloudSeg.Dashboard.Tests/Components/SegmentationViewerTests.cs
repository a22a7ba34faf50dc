using Bunit;
using CloudSeg.Core.Rendering;
using CloudSeg.Dashboard.Components.Detail;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace CloudSeg.Dashboard.Tests.Components;

/// <summary>
/// The detail page's overlay: toggles and sliders decide which instance ids reach the canvas painter (overlay.js),
/// and the instance list mirrors that. The JS module is bUnit's recorder, so the test sees exactly what would be painted.
/// </summary>
public sealed class SegmentationViewerTests
{
    private static (BunitContext Ctx, BunitJSModuleInterop Module) NewContext()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        var module = ctx.JSInterop.SetupModule("./js/overlay.js");
        module.SetupVoid("init").SetVoidResult();
        module.Setup<int>("render", _ => true).SetResult(0);
        module.SetupVoid("dispose").SetVoidResult();
        return (ctx, module);
    }

    private static IRenderedComponent<SegmentationViewer> RenderViewer(BunitContext ctx) =>
        ctx.Render<SegmentationViewer>(p => p
            .Add(x => x.ImageUrl, "/media/original?name=a.png")
            .Add(x => x.ImageWidth, OverlayTestData.Width)
            .Add(x => x.ImageHeight, OverlayTestData.Height)
            .Add(x => x.Instances, OverlayTestData.Instances()));

    /// <summary>The visible ids of the last render call sent to the painter.</summary>
    private static int[] LastPainted(BunitJSModuleInterop module) =>
        (int[])module.Invocations["render"].Last().Arguments[1]!;

    private static string RowVisible(IRenderedComponent<SegmentationViewer> cut, int id) =>
        cut.Find($"[data-testid=instance-row-{id}]").GetAttribute("data-visible")!;

    [Fact]
    public async Task Initially_every_instance_is_painted()
    {
        var (ctx, module) = NewContext();
        await using var _ = ctx;
        var cut = RenderViewer(ctx);

        cut.WaitForAssertion(() => Assert.Equal([0, 1, 2], LastPainted(module)));
        var init = module.Invocations["init"].Single();
        Assert.Equal(OverlayTestData.Width, init.Arguments[1]);
        Assert.Equal(OverlayTestData.Height, init.Arguments[2]);
        Assert.Contains("3 of 3 shown", cut.Markup);
    }

    [Fact]
    public async Task Score_threshold_slider_hides_low_scoring_instances_live()
    {
        var (ctx, module) = NewContext();
        await using var _ = ctx;
        var cut = RenderViewer(ctx);

        cut.Find("[data-testid=threshold-slider] input[type=range]").Input("0.5");

        cut.WaitForAssertion(() => Assert.Equal([0, 1], LastPainted(module)));
        Assert.Equal("false", RowVisible(cut, 2));
        Assert.Equal("true", RowVisible(cut, 0));
        Assert.Contains("2 of 3 shown", cut.Markup);

        cut.Find("[data-testid=threshold-slider] input[type=range]").Input("0.8");
        cut.WaitForAssertion(() => Assert.Equal([0], LastPainted(module)));
    }

    [Fact]
    public async Task Instance_toggle_turns_one_mask_off_and_on_again()
    {
        var (ctx, module) = NewContext();
        await using var _ = ctx;
        var cut = RenderViewer(ctx);

        cut.Find("[data-testid=instance-toggle-1] input[type=checkbox]").Change(false);
        cut.WaitForAssertion(() => Assert.Equal([0, 2], LastPainted(module)));
        Assert.Equal("false", RowVisible(cut, 1));

        cut.Find("[data-testid=instance-toggle-1] input[type=checkbox]").Change(true);
        cut.WaitForAssertion(() => Assert.Equal([0, 1, 2], LastPainted(module)));
        Assert.Equal("true", RowVisible(cut, 1));
    }

    [Fact]
    public async Task Class_toggle_hides_every_instance_of_that_class()
    {
        var (ctx, module) = NewContext();
        await using var _ = ctx;
        var cut = RenderViewer(ctx);

        cut.Find("[data-testid=class-toggle-circle]").Click();
        cut.WaitForAssertion(() => Assert.Equal([1], LastPainted(module)));
        Assert.Equal("false", cut.Find("[data-testid=class-toggle-circle]").GetAttribute("data-enabled"));

        cut.Find("[data-testid=class-toggle-circle]").Click();
        cut.WaitForAssertion(() => Assert.Equal([0, 1, 2], LastPainted(module)));
    }

    [Fact]
    public async Task Opacity_slider_and_list_hover_reach_the_painter()
    {
        var (ctx, module) = NewContext();
        await using var _ = ctx;
        var cut = RenderViewer(ctx);

        cut.Find("[data-testid=opacity-slider] input[type=range]").Input("0.8");
        cut.WaitForAssertion(() => Assert.Equal(0.8, (double)module.Invocations["render"].Last().Arguments[2]!, 3));

        cut.Find("[data-testid=instance-row-2]").MouseEnter();
        cut.WaitForAssertion(() => Assert.Equal(2, module.Invocations["render"].Last().Arguments[3]));
        Assert.Contains("instance-highlighted", cut.Find("[data-testid=instance-row-2]").ClassName);
    }

    [Fact]
    public async Task Instance_list_shows_class_score_and_mask_iou()
    {
        var (ctx, _) = NewContext();
        await using var __ = ctx;
        var cut = RenderViewer(ctx);

        var first = cut.Find("[data-testid=instance-row-0]").TextContent;
        Assert.Contains("circle", first);
        Assert.Contains("0.90", first);
        Assert.Contains("MaskIoU 0.80", first);
        Assert.DoesNotContain("MaskIoU", cut.Find("[data-testid=instance-row-1]").TextContent);
    }

    [Fact]
    public async Task Masks_take_the_shared_palette_by_rank_or_one_colour_per_class_matching_the_legend()
    {
        var (ctx, module) = NewContext();
        await using var _ = ctx;
        var cut = RenderViewer(ctx);
        Dictionary<int, string> Painted() => (Dictionary<int, string>)module.Invocations["render"].Last().Arguments[4]!;

        cut.WaitForAssertion(() => Assert.Equal([Palette.Hex(0), Palette.Hex(1), Palette.Hex(2)], Painted().OrderBy(c => c.Key).Select(c => c.Value)));

        cut.Find("[data-testid=color-by-class] input").Change(true);

        cut.WaitForAssertion(() =>
        {
            var colors = Painted();
            Assert.Equal(colors[0], colors[2]); // both circles
            Assert.NotEqual(colors[0], colors[1]);
            Assert.Equal(colors[0], cut.Find("[data-testid=legend-circle]").GetAttribute("data-color"));
            Assert.Equal(colors[1], cut.Find("[data-testid=legend-square]").GetAttribute("data-color"));
        });
    }

    [Theory]
    [InlineData(374, 2)]
    [InlineData(160, 1)]
    [InlineData(1150, 6)]
    [InlineData(4000, 8)]
    public void Gallery_columns_follow_the_grid_width(int width, int columns) =>
        Assert.Equal(columns, CloudSeg.Dashboard.Components.Pages.GalleryPage.ColumnsFor(width));
}
