using CloudSeg.Storage;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>
/// The training and models pages in a real browser against the real dashboard. The functions' schedule is off in this
/// stack, so the test writes the run row the way the training job does (status, step, loss, then the outcome) and
/// watches the page follow it without a reload.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class TrainingPageTests(StackFixture stack)
{
    [Fact]
    public async Task Training_page_shows_data_and_schedule_blocks_a_second_request_and_follows_a_run_to_its_failure()
    {
        // Another test's request must not block "Retrain now" here: end it as the functions would.
        foreach (var stale in (await stack.Storage.ListTrainingRunsAsync(50)).Where(r => r.IsActive()))
        {
            stale.Status = TrainingRunStatus.Failed;
            stale.Error = "ended before the training page test";
            await stack.Storage.SaveTrainingRunAsync(stale);
        }
        await stack.Storage.Datasets.GetBlobClient("val/images/a.png").UploadAsync(BinaryData.FromBytes(await File.ReadAllBytesAsync(TestImages.FixturePath(TestImages.WithInstances[0]))), overwrite: true);
        await stack.Storage.Datasets.GetBlobClient("val/annotations.json").UploadAsync(new BinaryData("""
            {"images": [{"id": 1, "file_name": "a.png", "width": 8, "height": 8}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 4, 4], "area": 16, "iscrowd": 0}],
             "categories": [{"id": 1, "name": "circle"}, {"id": 2, "name": "square"}]}
            """), overwrite: true);

        var page = await stack.NewPageAsync();
        await page.OpenAsync("/training");
        await Expect(page.Locator("[data-testid=next-run]")).ToContainTextAsync("03:00:00Z");
        var val = page.Locator("[data-testid=dataset-split][data-split=val]");
        await Expect(val.Locator("[data-testid=split-images]")).ToHaveTextAsync("1");
        await Expect(val).ToContainTextAsync("circle 1, square 0");
        await Expect(val).ToContainTextAsync("no instances of square");

        var retrain = page.Locator("[data-testid=retrain-now]");
        await Expect(retrain).ToBeEnabledAsync();
        await retrain.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Retrain", Exact = true }).ClickAsync(); // the confirmation
        await Expect(retrain).ToBeDisabledAsync();
        await Expect(page.Locator("[data-testid=retrain-blocked]")).ToContainTextAsync("is requested; one run at a time");
        var run = (await stack.Storage.ListTrainingRunsAsync(1)).Single();
        Assert.Equal((TrainingRunStatus.Requested, "manual"), (run.Status, run.Trigger));

        // The job's progress reaches the open page without a reload.
        run.Status = TrainingRunStatus.Started;
        (run.Step, run.TotalSteps, run.Loss) = (5, 30, 0.9);
        await stack.Storage.SaveTrainingRunAsync(run);
        var progress = page.Locator("[data-testid=active-run-progress]");
        await Expect(progress).ToContainTextAsync("step 5 / 30 · loss 0.900");
        (run.Step, run.Loss) = (12, 0.7);
        await stack.Storage.SaveTrainingRunAsync(run);
        await Expect(progress).ToContainTextAsync("step 12 / 30 · loss 0.700");
        await Expect(page.Locator("[data-testid=live-loss-chart]")).ToBeVisibleAsync();
        await Expect(retrain).ToBeDisabledAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(StackFixture.ScreenshotFolder, "training-live.png"), FullPage = true });

        // A failed run shows its reason and the end of its log, and a new run may be requested again.
        run.Status = TrainingRunStatus.Failed;
        run.Error = "The training job exited with code 1.";
        run.LogTail = "step 12 loss 0.700\nout of memory at step 13";
        await stack.Storage.SaveTrainingRunAsync(run);
        await Expect(page.Locator("[data-testid=run-error]")).ToHaveTextAsync(run.Error);
        await Expect(page.Locator("[data-testid=run-log-tail]")).ToContainTextAsync("out of memory at step 13");
        await Expect(page.Locator("[data-testid=active-run]")).ToHaveCountAsync(0);
        await Expect(retrain).ToBeEnabledAsync();
    }

    [Fact]
    public async Task Models_page_shows_a_trained_versions_figures_and_decision()
    {
        var current = (await stack.Storage.Registry.GetCurrentAsync())!.Value.Pointer.Version;
        var version = $"train-e2e-{Guid.NewGuid().ToString("N")[..6]}";
        await stack.Storage.Registry.UploadAsync(version, TestImages.ModelDirectory);
        var run = TrainingRunEntity.Start(version, "manual", "digest", DateTimeOffset.UtcNow);
        run.Status = TrainingRunStatus.Succeeded;
        (run.ModelVersion, run.MaskAp, run.BaselineMaskAp, run.BaselineModelVersion) = (version, 0.612, 0.650, current);
        run.Decision = "kept current: candidate 0.612 < current 0.650 + 0";
        await stack.Storage.SaveTrainingRunAsync(run);

        var page = await stack.NewPageAsync();
        await page.OpenAsync("/models");
        var card = page.Locator($"[data-testid=model-card][data-version='{version}']");
        await Expect(card.Locator("[data-testid=model-source]")).ToHaveTextAsync("training");
        await Expect(card.Locator("[data-testid=candidate-ap]")).ToHaveTextAsync("0.612");
        await Expect(card.Locator("[data-testid=baseline-ap]")).ToHaveTextAsync("0.650");
        await Expect(card.Locator("[data-testid=decision]")).ToHaveTextAsync(run.Decision);
        await Expect(page.Locator($"[data-testid=model-card][data-version='{current}'] [data-testid=model-source]")).ToHaveTextAsync("bundled");
    }
}
