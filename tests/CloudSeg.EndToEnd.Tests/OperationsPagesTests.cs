using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>The pages that watch and steer the system: operations figures, the model registry, training runs.</summary>
[Collection(StackCollection.Name)]
public sealed class OperationsPagesTests(StackFixture stack)
{
    [Fact]
    public async Task Operations_models_and_training_pages_show_the_running_system()
    {
        // One image processed by the runner, uploaded the way the CLI does it (no browser needed for this part).
        var name = $"{Guid.NewGuid().ToString("N")[..6]}-ops.png";
        await using (var file = File.OpenRead(TestImages.FixturePath(TestImages.WithInstances[0])))
            await stack.Storage.UploadImageAsync(name, file, "image/png");
        await Eventually.TrueAsync(async () => (await stack.Storage.GetImageAsync(name))?.Status == ImageStatus.Succeeded,
            $"{name} to be segmented", TimeSpan.FromMinutes(2));

        var page = await stack.NewPageAsync();
        await page.OpenAsync("/operations");
        await Expect(page.Locator("[data-testid=ops-status]")).ToContainTextAsync("succeeded");
        await Expect(page.Locator("[data-testid=ops-throughput]")).Not.ToContainTextAsync(" 0.0 images/min");
        await Expect(page.Locator("[data-testid=ops-latency]")).ToContainTextAsync(" ms (");
        await Expect(page.Locator("[data-testid=class-histogram] svg")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(StackFixture.ScreenshotFolder, "operations.png") });

        // The runner registers its bundled model in the empty registry; the models page shows it as current.
        var current = await stack.Storage.Registry.GetCurrentAsync();
        Assert.NotNull(current);
        await page.OpenAsync("/models");
        var card = page.Locator($"[data-testid=model-card][data-version='{current.Value.Pointer.Version}']");
        await Expect(card).ToContainTextAsync("current");
        await Expect(card).ToContainTextAsync("circle");
        await page.ScreenshotAsync(new() { Path = Path.Combine(StackFixture.ScreenshotFolder, "models.png") });

        // "Retrain now" records a manual request the functions' retraining picks up.
        await page.OpenAsync("/training");
        await page.Locator("[data-testid=retrain-now]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Retrain", Exact = true }).ClickAsync(); // the confirmation
        await Expect(page.Locator("[data-testid=run-status]").First).ToHaveTextAsync("requested");
        var runs = await stack.Storage.ListTrainingRunsAsync(5);
        Assert.Contains(runs, r => r.Trigger == "manual" && r.Status == "requested");
    }
}
