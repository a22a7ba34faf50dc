using CloudSeg.Storage;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>
/// The training and models pages in a real browser against the real dashboard, for what a real job cannot be made to
/// do on cue: the functions' schedule is off in this stack, so the test ends the request with a failure and its log the
/// way the runner records one (real failures, a killed job and bad data, are made in RetrainingGuardTests), and shows
/// a registry entry with chosen figures. <see cref="RetrainJourneyTests"/> follows a real run from the button to its decision.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class TrainingPageTests(StackFixture stack)
{
    [Fact]
    public async Task Training_page_shows_data_and_schedule_blocks_a_second_request_and_shows_a_failed_runs_reason_and_log()
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

        // A failed run shows its reason and the end of its log, and a new run may be requested again.
        run.Status = TrainingRunStatus.Failed;
        (run.Step, run.TotalSteps, run.Loss) = (12, 30, 0.7);
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
