using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>
/// The gallery as a page left open all day: images uploaded elsewhere (here the way the CLI uploads) appear without
/// "Reload".
/// </summary>
[Collection(StackCollection.Name)]
public sealed class GalleryStateTests(StackFixture stack)
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

    private async Task UploadAsync(string name)
    {
        await using var file = File.OpenRead(TestImages.FixturePath(TestImages.WithInstances[0]));
        await stack.Storage.UploadImageAsync(name, file, "image/png");
    }

    private static ILocator Tile(IPage page, string name) => page.Locator($"[data-testid=gallery-tile][data-name='{name}']");
}
