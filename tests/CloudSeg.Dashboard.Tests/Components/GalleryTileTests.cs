using Bunit;
using CloudSeg.Dashboard.Components.Gallery;
using CloudSeg.Storage;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace CloudSeg.Dashboard.Tests.Components;

public sealed class GalleryTileTests
{
    private static IRenderedComponent<GalleryTile> RenderTile(BunitContext ctx, ImageIndexEntity row)
    {
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        return ctx.Render<GalleryTile>(p => p.Add(x => x.Row, row));
    }

    [Fact]
    public async Task Succeeded_tile_shows_thumbnail_count_score_and_top_three_classes()
    {
        await using var ctx = new BunitContext();
        var row = ImageIndexEntity.ForBlob("street/cars 1.jpg");
        row.Status = ImageStatus.Succeeded;
        row.InstanceCount = 7;
        row.TopScore = 0.912;
        row.Classes = "car,person,bus,dog";
        row.SourceETag = "\"0x1\"";
        row.ModelVersion = "v2";

        var cut = RenderTile(ctx, row);

        var link = cut.Find("a.gallery-tile");
        Assert.Equal("/image?name=street%2Fcars%201.jpg", link.GetAttribute("href"));
        Assert.Equal("succeeded", link.GetAttribute("data-status"));
        Assert.StartsWith("/media/thumb?name=street%2Fcars%201.jpg&v=", cut.Find("img.gallery-thumb").GetAttribute("src"));
        Assert.Equal("7 instances", cut.Find("[data-testid=instance-count]").TextContent);
        Assert.Contains("0.91", cut.Markup);
        Assert.Contains("car, person, bus", cut.Markup);
        Assert.DoesNotContain("dog", cut.Markup.Replace("title=\"car,person,bus,dog\"", ""));
    }

    [Fact]
    public async Task Failed_tile_shows_its_reason_and_no_thumbnail()
    {
        await using var ctx = new BunitContext();
        var row = ImageIndexEntity.ForBlob("broken.jpg");
        row.Status = ImageStatus.Failed;
        row.Error = "The input is not an image: it looks like HTML (512 bytes).";

        var cut = RenderTile(ctx, row);

        Assert.Empty(cut.FindAll("img.gallery-thumb"));
        Assert.Equal(row.Error, cut.Find("[data-testid=tile-error]").TextContent);
        Assert.Equal("failed", cut.Find("[data-testid=status-chip]").GetAttribute("data-status"));
    }
}
