using CloudSeg.Storage;
using CloudSeg.Testing;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>
/// docs/screenshots: every page on a phone and a desktop, from the running product with the bundled model and the
/// sample pictures (tools/take-screenshots.sh). Runs only when CLOUDSEG_SCREENSHOTS names the folder to write to: it
/// starts a second stack, which the suite does not need.
/// </summary>
[Collection(BundledModelStackCollection.Name)]
public sealed class ScreenshotTests(BundledModelStackFixture stack)
{
    [ScreenshotTheory]
    [MemberData(nameof(DashboardPages.Viewports), MemberType = typeof(DashboardPages))]
    public async Task Every_page_shows_the_bundled_models_masks_on_the_samples(string device, int width, int height)
    {
        var folder = Environment.GetEnvironmentVariable(ScreenshotTheoryAttribute.Variable)!;
        Directory.CreateDirectory(folder);
        var (best, failed) = await SamplesAsync();
        var page = await stack.NewPageAsync(width, height);
        foreach (var (name, path, ready) in DashboardPages.All(best, failed))
        {
            await page.OpenAsync(path);
            await Expect(page.Locator(ready).First).ToBeVisibleAsync();
            if (name == "gallery")
            {
                await ImagesInViewLoadedAsync(page, "img.gallery-thumb"); // thumbnails load lazily
            }
            if (name == "detail")
            {
                // The masks are painted on the canvas.
                await Expect(page.Locator("[data-testid=instance-row-0]")).ToBeAttachedAsync();
                await Eventually.TrueAsync(() => page.EvaluateAsync<bool>("""
                    () => {
                        const c = document.querySelector('[data-testid=overlay-canvas]');
                        return c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0);
                    }
                    """), "the masks to be painted");
            }
            // The heading keeps the focus ring navigation gave it; a picture of the page needs none.
            await page.EvaluateAsync("() => document.activeElement?.blur()");
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}-{device}.png") });
            if (name == "detail")
            {
                await page.Locator(".mud-tab", new() { HasText = "Input | segmented output" }).ClickAsync();
                await Expect(page.Locator("[data-testid=side-by-side] img").Nth(1)).ToBeVisibleAsync();
                await ImagesInViewLoadedAsync(page, "[data-testid=side-by-side] img");
                await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"side-by-side-{device}.png") });
            }
        }
    }

    private static Task ImagesInViewLoadedAsync(Microsoft.Playwright.IPage page, string selector) =>
        Eventually.TrueAsync(() => page.EvaluateAsync<bool>("""
            s => [...document.querySelectorAll(s)]
                .filter(i => i.getBoundingClientRect().top < innerHeight)
                .every(i => i.complete && i.naturalWidth > 0)
            """, selector), $"the pictures in view ({selector}) to load");

    /// <summary>
    /// Uploads samples/ (as `cloudseg up` does) and one broken picture, waits until they are processed, and returns the
    /// sample the model is surest of (of those with two instances or more: the detail page should show overlapping masks)
    /// and the failure.
    /// </summary>
    private async Task<(string Best, string Failed)> SamplesAsync()
    {
        var samples = Directory.GetFiles(Path.Combine(RepoPaths.Root, "samples"), "*.jpg").Order().ToList();
        const string broken = "scanner-export.jpg";
        foreach (var file in samples)
        {
            if (await stack.Storage.UploadExistsAsync(Path.GetFileName(file))) continue;
            await using var content = File.OpenRead(file);
            await stack.Storage.UploadImageAsync(Path.GetFileName(file), content, "image/jpeg");
        }
        if (!await stack.Storage.UploadExistsAsync(broken))
        {
            await using var content = File.OpenRead(TestImages.TruncatedJpeg(TestImages.NewFolder(), broken));
            await stack.Storage.UploadImageAsync(broken, content, "image/jpeg");
        }
        var rows = await Eventually.ValueAsync(async () =>
        {
            var found = new List<ImageIndexEntity>();
            foreach (var name in samples.Select(Path.GetFileName).Append(broken))
                if (await stack.Storage.GetImageAsync(name!) is { Status: ImageStatus.Succeeded or ImageStatus.Failed } row) found.Add(row);
            return found.Count == samples.Count + 1 ? found : null;
        }, "the samples to be segmented", TimeSpan.FromMinutes(5));
        var best = rows.Where(r => r.Status == ImageStatus.Succeeded).OrderByDescending(r => r.InstanceCount >= 2).ThenByDescending(r => r.TopScore).FirstOrDefault()
            ?? throw new InvalidOperationException("The bundled model segmented none of the samples.");
        return (best.BlobName, broken);
    }
}

/// <summary>A theory that runs only when <c>CLOUDSEG_SCREENSHOTS</c> is set (by tools/take-screenshots.sh).</summary>
public sealed class ScreenshotTheoryAttribute : TheoryAttribute
{
    public const string Variable = "CLOUDSEG_SCREENSHOTS";

    public ScreenshotTheoryAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
            Skip = "Takes docs/screenshots: run tools/take-screenshots.sh";
    }
}
