using System.Text.RegularExpressions;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>
/// "Retrain now" as a user presses it, with nothing written on the job's behalf: the runner launches the real training
/// job, and the open page follows the run's live steps and losses to the job's own outcome and decision.
/// </summary>
[Collection(RetrainingStackCollection.Name)]
public sealed partial class RetrainJourneyTests(RetrainingStackFixture stack)
{
    [Fact]
    public async Task Retrain_now_runs_the_training_job_and_the_page_follows_it_to_its_decision()
    {
        await stack.SeedDatasetAsync(train: 8, val: 4);
        var job = (float)RetrainingStackFixture.JobTimeout.TotalMilliseconds;
        var page = await stack.NewPageAsync();
        await page.OpenAsync("/training");
        await Expect(page.Locator("[data-testid=dataset-split][data-split=train] [data-testid=split-images]")).ToHaveTextAsync("8");

        var retrain = page.Locator("[data-testid=retrain-now]");
        await retrain.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Retrain", Exact = true }).ClickAsync(); // the confirmation
        await Expect(page.Locator("[data-testid=retrain-blocked]")).ToBeVisibleAsync();
        await Expect(retrain).ToBeDisabledAsync();
        var run = await Eventually.ValueAsync(async () => (await stack.Storage.ListTrainingRunsAsync(1)).SingleOrDefault(), "the requested run");

        // Live: the runner started the job, which reports its steps and losses while it trains.
        var progress = page.Locator("[data-testid=active-run-progress]");
        await Expect(progress).ToContainTextAsync(TrainingStep(), new() { Timeout = job });
        await Expect(page.Locator("[data-testid=active-run-status]")).ToHaveTextAsync(TrainingRunStatus.Started);
        await Expect(page.Locator("[data-testid=live-loss-chart]")).ToBeVisibleAsync(); // two or more steps seen live
        await Expect(retrain).ToBeDisabledAsync();

        // The end: no active run, the job's outcome in the table, and "Retrain now" offered again.
        await Expect(page.Locator("[data-testid=active-run]")).ToHaveCountAsync(0, new() { Timeout = job });
        var done = (await stack.Storage.GetTrainingRunAsync(run.RunId))!;
        Assert.True(done.Status == TrainingRunStatus.Succeeded, $"{done.Error}\n{done.LogTail}");
        Assert.Equal((RetrainingStackFixture.Steps, RetrainingStackFixture.Steps), (done.Step, done.TotalSteps));
        Assert.Matches(@"^(promoted|kept current): candidate \d\.\d{3}", done.Decision);
        var row = page.Locator("tr", new() { Has = page.Locator("[data-testid=run-id]", new() { HasText = run.RunId }) });
        await Expect(row.Locator("[data-testid=run-status]")).ToHaveTextAsync(TrainingRunStatus.Succeeded);
        await Expect(row.Locator("[data-testid=run-outcome]")).ToHaveTextAsync(done.Decision!);
        await Expect(retrain).ToBeEnabledAsync();

        // The models page shows the registered candidate with the same figures and decision.
        await page.OpenAsync("/models");
        var card = page.Locator($"[data-testid=model-card][data-version='{run.RunId}']");
        await Expect(card.Locator("[data-testid=model-source]")).ToHaveTextAsync("training");
        await Expect(card.Locator("[data-testid=candidate-ap]")).ToHaveTextAsync(done.MaskAp!.Value.ToString("0.000"));
        await Expect(card.Locator("[data-testid=decision]")).ToHaveTextAsync(done.Decision!);
        await Expect(page.Locator("[data-testid=current-model]")).ToContainTextAsync(done.Promoted ? run.RunId : done.BaselineModelVersion!);
    }

    [GeneratedRegex(@"step [1-9]\d* / \d+ · loss \d")]
    private static partial Regex TrainingStep();
}
