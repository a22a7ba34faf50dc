using System.Text.RegularExpressions;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>
/// The gallery as a page left open all day: images uploaded elsewhere (here the way the CLI uploads) appear without
/// "Reload", and the scroll place is in the address, so Back from a detail page returns to it.
/// </summary>
[Collection(StackCollection.Name)]
public sealed partial class GalleryStateTests(StackFixture stack)
{
    private static readonly TimeSpan SegmentTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Images_uploaded_while_the_gallery_is_open_appear_in_name_order_and_follow_their_status()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var page = await stack.NewPageAsync();
        await page.OpenAsync($"/?q={run}");
        await Expect(page.Locator("[data-testid=gallery-empty]")).ToBeVisibleAsync();
        // Survives only if the page is never reloaded.
        await page.EvaluateAsync("() => window.__sameDocument = true");

        var later = $"{run}-b.png";
        await UploadAsync(later);
        await Expect(Tile(page, later)).ToBeVisibleAsync();

        // A name that sorts first goes before the tile already shown, not after it.
        var earlier = $"{run}-a.png";
        await UploadAsync(earlier);
        var tiles = page.Locator("[data-testid=gallery-tile]");
        await Expect(tiles).ToHaveCountAsync(2);
        await Expect(tiles.First).ToHaveAttributeAsync("data-name", earlier);
        await Expect(page.Locator("[data-testid=gallery-count]")).ToContainTextAsync("2 shown");

        // The runner segments both; the open tiles follow to succeeded.
        await Expect(Tile(page, earlier)).ToHaveAttributeAsync("data-status", ImageStatus.Succeeded, new() { Timeout = (float)SegmentTimeout.TotalMilliseconds });
        await Expect(Tile(page, later)).ToHaveAttributeAsync("data-status", ImageStatus.Succeeded, new() { Timeout = (float)SegmentTimeout.TotalMilliseconds });
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the gallery reloaded itself");
    }

    [Fact]
    public async Task Back_from_a_detail_page_returns_to_the_same_place_in_a_long_gallery()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var names = Enumerable.Range(0, 14).Select(i => $"{run}-{i:D2}.png").ToArray();
        foreach (var name in names) await UploadAsync(name);

        // A phone: two columns of 282 px lines, so the last tile is several screens below the first.
        var page = await stack.NewPageAsync(390, 844);
        await page.OpenAsync($"/?q={run}");
        await Expect(page.Locator("[data-testid=gallery-count]")).ToContainTextAsync($"{names.Length} shown");
        await Expect(Tile(page, names[0])).ToBeInViewportAsync();

        // To the end of the page, again while the grid still grows (Virtualize adds its lines as they are provided).
        var last = Tile(page, names[^1]);
        await Eventually.TrueAsync(async () =>
        {
            await page.EvaluateAsync("() => window.scrollTo(0, document.documentElement.scrollHeight)");
            return await page.EvaluateAsync<bool>($$"""
                () => {
                    const tile = document.querySelector("[data-testid=gallery-tile][data-name='{{names[^1]}}']");
                    const r = tile?.getBoundingClientRect();
                    return !!r && r.bottom > 0 && r.top < innerHeight;
                }
                """);
        }, "the last tile to be scrolled into view", TimeSpan.FromSeconds(30));
        await Expect(last).ToBeInViewportAsync();
        await Expect(page).ToHaveURLAsync(AtParameter());
        var place = page.Url;

        await last.ClickAsync();
        await Expect(page.Locator("[data-testid=detail-name]")).ToHaveTextAsync(names[^1]);
        await page.GoBackAsync();
        await Expect(last).ToBeInViewportAsync();
        Assert.Equal(place, page.Url); // restoring the place does not move it
        await Expect(Tile(page, names[0])).Not.ToBeInViewportAsync();
    }

    private async Task UploadAsync(string name)
    {
        await using var file = File.OpenRead(TestImages.FixturePath(TestImages.WithInstances[0]));
        await stack.Storage.UploadImageAsync(name, file, "image/png");
    }

    private static ILocator Tile(IPage page, string name) => page.Locator($"[data-testid=gallery-tile][data-name='{name}']");

    [GeneratedRegex(@"[?&]at=\d+")]
    private static partial Regex AtParameter();
}
