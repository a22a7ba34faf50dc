using Deque.AxeCore.Playwright;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>
/// Every page on a phone (390×844) and a desktop (1400×900): none scrolls sideways, and axe-core finds no serious or
/// critical accessibility problem. (docs/screenshots come from <see cref="ScreenshotTests"/>, with the bundled model.)
/// </summary>
[Collection(StackCollection.Name)]
public sealed class EveryPageTests(StackFixture stack)
{
    [Theory]
    [MemberData(nameof(DashboardPages.Viewports), MemberType = typeof(DashboardPages))]
    public async Task Every_page_fits_the_window_and_passes_axe(string device, int width, int height)
    {
        var (succeeded, failed) = await SampleImagesAsync();
        var page = await stack.NewPageAsync(width, height);
        var problems = new List<string>();
        foreach (var (_, path, ready) in DashboardPages.All(succeeded, failed))
        {
            await page.OpenAsync(path);
            await Expect(page.Locator(ready).First).ToBeVisibleAsync();
            await Expect(page.Locator("h1")).ToHaveCountAsync(1);
            await Expect(page.Locator("main")).ToHaveCountAsync(1);

            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            if (overflow > 0) problems.Add($"{path}: {overflow} px of sideways scrolling, from {await WidestAsync(page)}");

            var axe = await page.RunAxe();
            foreach (var violation in axe.Violations.Where(v => v.Impact is "serious" or "critical"))
            {
                var nodes = string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html));
                problems.Add($"{path}: {violation.Id} ({violation.Impact}) {violation.Help}: {nodes}");
            }
        }
        Assert.True(problems.Count == 0, $"{device} {width}×{height}:\n" + string.Join('\n', problems));
    }

    [Fact]
    public async Task On_a_phone_the_drawer_is_closed_and_the_menu_button_opens_it()
    {
        var page = await stack.NewPageAsync(390, 844);
        await page.OpenAsync("/");
        var failuresLink = page.Locator("nav a[href='/failures']");
        await Expect(page.Locator("[data-testid=menu-button]")).ToHaveAttributeAsync("data-ready", "true");
        await Expect(failuresLink).Not.ToBeInViewportAsync();

        await page.Locator("[data-testid=menu-button]").ClickAsync();
        await Expect(failuresLink).ToBeInViewportAsync();
        await failuresLink.ClickAsync();
        await page.WaitForURLAsync("**/failures");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Failures");
    }

    [Fact]
    public async Task Gallery_columns_follow_the_window_width()
    {
        var page = await stack.NewPageAsync(390, 844);
        await page.OpenAsync("/");
        await Expect(page.Locator("[data-testid=gallery]")).ToHaveAttributeAsync("data-columns", "2");
        await page.SetViewportSizeAsync(1400, 900);
        await Expect(page.Locator("[data-testid=gallery]")).ToHaveAttributeAsync("data-columns", new System.Text.RegularExpressions.Regex("^[5-8]$"));
    }

    [Fact]
    public async Task Arrow_keys_on_the_detail_page_step_through_the_gallery_order()
    {
        var (succeeded, _) = await SampleImagesAsync();
        var page = await stack.NewPageAsync();
        // Filtered to this test's two pictures (the stack's other tests keep adding and deleting images around them):
        // the sequence must follow the gallery's filter as well as its order.
        await page.OpenAsync($"/?q={Uri.EscapeDataString(succeeded.Split('-')[0])}");
        var tiles = page.Locator("[data-testid=gallery-tile]");
        await Expect(tiles).ToHaveCountAsync(2);
        var first = await tiles.Nth(0).GetAttributeAsync("data-name");
        var second = await tiles.Nth(1).GetAttributeAsync("data-name");

        await tiles.Nth(0).ClickAsync();
        var name = page.Locator("[data-testid=detail-name]");
        await Expect(name).ToHaveTextAsync(first!);
        await Expect(page.Locator("[data-testid=detail-header]")).ToHaveAttributeAsync("data-keys", "on");
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(name).ToHaveTextAsync(second!);
        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(name).ToHaveTextAsync(first!);
    }

    /// <summary>The outermost elements reaching past the window's right edge (what a failure message should name).</summary>
    private static Task<string> WidestAsync(IPage page) => page.EvaluateAsync<string>("""
        () => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                         && !(e.parentElement && e.parentElement.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
            .slice(0, 3)
            .map(e => `<${e.tagName.toLowerCase()} class="${e.className}"> ${Math.round(e.getBoundingClientRect().width)} px`)
            .join('; ')
        """);

    /// <summary>One picture the runner segments and one it fails as corrupt, uploaded the way the CLI does.</summary>
    private async Task<(string Succeeded, string Failed)> SampleImagesAsync()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var good = $"{run}-every-page.png";
        var bad = $"{run}-every-page-broken.jpg";
        await using (var file = File.OpenRead(TestImages.FixturePath(TestImages.WithInstances[0])))
            await stack.Storage.UploadImageAsync(good, file, "image/png");
        await using (var file = File.OpenRead(TestImages.TruncatedJpeg(TestImages.NewFolder(), bad)))
            await stack.Storage.UploadImageAsync(bad, file, "image/jpeg");
        await Eventually.TrueAsync(async () => await stack.Storage.GetImageAsync(good) is { Status: ImageStatus.Succeeded }
                                               && await stack.Storage.GetImageAsync(bad) is { Status: ImageStatus.Failed },
            "the sample pictures to be processed", TimeSpan.FromMinutes(2));
        return (good, bad);
    }
}
