using CloudSeg.Storage;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>
/// What a user does in the dashboard, end to end: drop images, watch their tiles turn succeeded (the functions' local
/// runner segments them for real), open one, switch an instance off and on, and see why a broken file failed.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class DashboardFlowTests(StackFixture stack)
{
    private static readonly TimeSpan SegmentTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Uploaded_images_are_segmented_live_and_their_instances_can_be_toggled()
    {
        var page = await stack.NewPageAsync();
        var run = Guid.NewGuid().ToString("N")[..6];
        var folder = TestImages.NewFolder();
        var files = TestImages.WithInstances.Select(f => TestImages.CopyFixture(f, folder, $"{run}-{f}")).ToArray();
        var names = files.Select(Path.GetFileName).ToArray();

        await page.OpenAsync("/upload");
        await page.Locator("[data-testid=upload-input]").SetInputFilesAsync(files);

        // Each tile appears at once and follows the index without a reload until it is succeeded.
        foreach (var name in names)
        {
            var tile = Tile(page, name!);
            await Expect(tile).ToBeVisibleAsync();
            await Expect(tile).ToHaveAttributeAsync("data-status", ImageStatus.Succeeded, new() { Timeout = (float)SegmentTimeout.TotalMilliseconds });
        }
        var row = await stack.Storage.GetImageAsync(names[0]!);
        Assert.Equal(ImageStatus.Succeeded, row?.Status);
        Assert.True(row!.InstanceCount > 0, $"the test model found no instance in {names[0]}; the toggle step needs one");

        // The gallery is virtualised and the stack's other tests add images around ours: filter to this run's names.
        await page.OpenAsync(GalleryOf(run));
        await Expect(Tile(page, names[0]!).Locator("img.gallery-thumb")).ToBeVisibleAsync();
        // Every thumbnail the grid shows is streamed by the dashboard and decodes in the browser.
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('img.gallery-thumb')].every(i => i.complete && i.naturalWidth > 0)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(StackFixture.ScreenshotFolder, "gallery.png") });

        await Tile(page, names[0]!).ClickAsync();
        await page.WaitForURLAsync("**/image?name=*");
        await Expect(page.Locator("[data-testid=detail-name]")).ToHaveTextAsync(names[0]!);
        var instanceRows = page.Locator("[data-testid^=instance-row-]");
        await Expect(instanceRows).ToHaveCountAsync(row.InstanceCount!.Value);

        var allPainted = await WaitForPaintedPixelsAsync(page, n => n > 0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(StackFixture.ScreenshotFolder, "detail.png") });

        // Hovering a mask on the canvas highlights its row in the instance list.
        var maskPoint = await page.EvaluateAsync<double[]>("""
            () => {
                const c = document.querySelector('[data-testid=overlay-canvas]');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                const fill = Math.round(255 * 0.5); // mask interior at the default opacity; contours and tags are opaque
                for (let i = 3; i < d.length; i += 4) {
                    if (d[i] !== fill) continue;
                    const p = (i - 3) / 4, r = c.getBoundingClientRect();
                    return [r.left + ((p % c.width) + 0.5) * r.width / c.width, r.top + (Math.floor(p / c.width) + 0.5) * r.height / c.height];
                }
                return [];
            }
            """);
        Assert.Equal(2, maskPoint.Length);
        await page.Mouse.MoveAsync((float)maskPoint[0], (float)maskPoint[1]);
        await Expect(page.Locator(".instance-row.instance-highlighted")).ToHaveCountAsync(1);
        await page.Mouse.MoveAsync(1, 1);
        await Expect(page.Locator(".instance-row.instance-highlighted")).ToHaveCountAsync(0);

        // Switch the best instance off: it leaves the painted ids and its pixels leave the canvas; then back on.
        var toggle = page.Locator("[data-testid=instance-toggle-0] input");
        await toggle.UncheckAsync(new() { Force = true });
        await Expect(page.Locator("[data-testid=instance-row-0]")).ToHaveAttributeAsync("data-visible", "false");
        await Expect(page.Locator("[data-testid=overlay-stage]")).Not.ToHaveAttributeAsync("data-visible-ids", new System.Text.RegularExpressions.Regex("(^|,)0(,|$)"));
        var withoutFirst = await WaitForPaintedPixelsAsync(page, n => n < allPainted);

        await toggle.CheckAsync(new() { Force = true });
        await Expect(page.Locator("[data-testid=instance-row-0]")).ToHaveAttributeAsync("data-visible", "true");
        await WaitForPaintedPixelsAsync(page, n => n == allPainted);
        Assert.True(withoutFirst < allPainted);

        await page.Locator(".mud-tab", new() { HasText = "Input | segmented output" }).ClickAsync();
        await Expect(page.Locator("[data-testid=side-by-side] img").Nth(1)).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(StackFixture.ScreenshotFolder, "side-by-side.png") });
    }

    [Fact]
    public async Task A_broken_image_fails_with_its_reason_on_the_tile_the_detail_page_and_the_failures_page()
    {
        var page = await stack.NewPageAsync();
        var run = Guid.NewGuid().ToString("N")[..6];
        var name = $"{run}-truncated.jpg";
        var folder = TestImages.NewFolder();
        var file = TestImages.TruncatedJpeg(folder, name);
        var notAnImage = TestImages.TextNamedJpeg(folder, $"{run}-notes.jpg");

        await page.OpenAsync("/upload");
        await page.Locator("[data-testid=upload-input]").SetInputFilesAsync([file, notAnImage]);

        // The text file never reaches storage: its tile says why at once.
        var refused = Tile(page, Path.GetFileName(notAnImage));
        await Expect(refused).ToHaveAttributeAsync("data-status", "refused");
        await Expect(refused.Locator("[data-testid=tile-error]")).ToContainTextAsync("not an image");
        Assert.Null(await stack.Storage.GetImageAsync(Path.GetFileName(notAnImage)));

        var tile = Tile(page, name);
        await Expect(tile).ToHaveAttributeAsync("data-status", ImageStatus.Failed, new() { Timeout = (float)SegmentTimeout.TotalMilliseconds });
        var row = await stack.Storage.GetImageAsync(name);
        Assert.False(string.IsNullOrWhiteSpace(row?.Error));
        await Expect(tile.Locator("[data-testid=tile-error]")).ToHaveTextAsync(row!.Error!);

        await tile.ClickAsync();
        await Expect(page.Locator("[data-testid=failure-reason]")).ToContainTextAsync(row.Error!);

        await page.OpenAsync("/failures");
        var failure = page.Locator("tr", new() { Has = page.Locator($"[data-testid=failure-name]:has-text('{name}')") });
        await Expect(failure.Locator("[data-testid=failure-reason]")).ToHaveTextAsync(row.Error!);
        await page.ScreenshotAsync(new() { Path = Path.Combine(StackFixture.ScreenshotFolder, "failures.png") });

        // The gallery's status filter runs on the server: with a succeeded image present, only failed tiles come back.
        var good = $"{run}-good.png";
        await using (var goodFile = File.OpenRead(TestImages.FixturePath(TestImages.WithInstances[0])))
            await stack.Storage.UploadImageAsync(good, goodFile, "image/png");
        await page.OpenAsync(GalleryOf(run));
        await Expect(Tile(page, good)).ToHaveAttributeAsync("data-status", ImageStatus.Succeeded, new() { Timeout = (float)SegmentTimeout.TotalMilliseconds });
        await page.Locator("[data-testid=status-failed]").ClickAsync();
        await Expect(Tile(page, name)).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=gallery-tile]:not([data-status=failed])")).ToHaveCountAsync(0);
    }

    private static string GalleryOf(string run) => $"/?q={Uri.EscapeDataString(run)}";

    private static ILocator Tile(IPage page, string name) => page.Locator($"[data-testid=gallery-tile][data-name='{name}']");


    /// <summary>Polls the overlay canvas until the number of painted (non-transparent) pixels satisfies <paramref name="condition"/>.</summary>
    private static async Task<int> WaitForPaintedPixelsAsync(IPage page, Func<int, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var painted = await page.EvaluateAsync<int>("""
                () => {
                    const c = document.querySelector('[data-testid=overlay-canvas]');
                    if (!c || !c.width) return -1;
                    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                    let n = 0;
                    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
                    return n;
                }
                """);
            if (painted >= 0 && condition(painted)) return painted;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The overlay canvas did not reach the expected paint state (last count {painted}).");
            await page.WaitForTimeoutAsync(100);
        }
    }
}
