using System.Text.RegularExpressions;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>
/// The gallery as a page left open all day: images uploaded elsewhere (here the way the CLI uploads) appear without
/// "Reload", and the place scrolled to is in the address, so Back from a detail page and a reload return to it.
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
    public async Task Back_from_a_detail_page_and_reload_return_to_the_image_that_was_in_view()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var names = Enumerable.Range(0, 16).Select(i => $"{run}-{i:D2}.png").ToArray();
        foreach (var name in names) await UploadAsync(name);

        // A phone: two columns of 282 px lines, so the last tiles are several screens below the first; the stack's
        // gallery pages hold 8 rows, so the place is on the second page and returning there has to load it first.
        var page = await stack.NewPageAsync(390, 844);
        await page.OpenAsync($"/?folder={run}-");
        await Expect(Tile(page, names[0])).ToBeInViewportAsync();
        await Expect(page).Not.ToHaveURLAsync(AtParameter());

        // Scroll the way a user does (wheel) until the first tile in view is on the gallery's second page.
        await page.Mouse.MoveAsync(195, 500);
        var at = await Eventually.ValueAsync(async () =>
        {
            var current = AtParameter().Match(page.Url) is { Success: true } m ? Uri.UnescapeDataString(m.Groups[1].Value) : null;
            if (current is not null && Array.IndexOf(names, current) >= 9) return current;
            await page.Mouse.WheelAsync(0, 300);
            return null;
        }, "the address to name a tile on the second page as the first in view", TimeSpan.FromSeconds(60));
        var place = page.Url;
        await Expect(Tile(page, names[0])).Not.ToBeInViewportAsync();
        await Expect(Tile(page, at)).ToBeInViewportAsync(new() { Ratio = 0.5f });

        // A real click at the tile's middle (a locator click might scroll it first, which would move the place).
        var box = (await Tile(page, at).BoundingBoxAsync())!;
        await page.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await Expect(page.Locator("[data-testid=detail-name]")).ToHaveTextAsync(at);

        await page.GoBackAsync();
        await ExpectAtTopAsync(page, at);
        await Expect(Tile(page, names[0])).Not.ToBeInViewportAsync();
        Assert.Equal(place, page.Url); // returning to the place does not move it

        await page.ReloadAsync();
        await Expect(page.Locator("[data-testid=app]")).ToHaveAttributeAsync("data-interactive", "true");
        await ExpectAtTopAsync(page, at);
        Assert.Equal(place, page.Url);
    }

    /// <summary>The named tile is the first one in view: fully visible, right under the app bar.</summary>
    private static async Task ExpectAtTopAsync(IPage page, string name)
    {
        await Expect(Tile(page, name)).ToBeInViewportAsync(new() { Ratio = 0.9f });
        await Eventually.TrueAsync(() => page.EvaluateAsync<bool>($$"""
            () => {
                const bar = document.querySelector('.mud-appbar').getBoundingClientRect().bottom;
                const tile = document.querySelector("[data-testid=gallery-tile][data-name='{{name}}']").getBoundingClientRect();
                return Math.abs(tile.top - bar) < 40;
            }
            """), $"{name} to be at the top of the gallery", TimeSpan.FromSeconds(30));
    }

    private async Task UploadAsync(string name)
    {
        await using var file = File.OpenRead(TestImages.FixturePath(TestImages.WithInstances[0]));
        await stack.Storage.UploadImageAsync(name, file, "image/png");
    }

    private static ILocator Tile(IPage page, string name) => page.Locator($"[data-testid=gallery-tile][data-name='{name}']");

    [GeneratedRegex(@"[?&]at=([^&]+)")]
    private static partial Regex AtParameter();
}
