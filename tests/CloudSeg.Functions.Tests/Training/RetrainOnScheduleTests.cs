using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Training;

public sealed class RetrainOnScheduleTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Trains_only_when_datasets_change_and_promotes_only_a_model_at_least_as_good()
    {
        await using var harness = new TrainingHarness(azurite.ConnectionString);
        var storage = harness.Storage;
        await storage.EnsureCreatedAsync();

        Assert.Equal("skipped", (await harness.Retrain.RunAsync("schedule", default)).Action);

        await harness.SetDatasetApAsync("0.40");
        var first = await harness.RunToCompletionAsync();
        Assert.Equal(TrainingRunStatus.Succeeded, first.Status);
        Assert.True(first.Promoted);
        Assert.Equal(0.40, first.MaskAp!.Value, 3);
        Assert.Equal(first.RunId, (await storage.Registry.GetCurrentAsync())!.Value.Pointer.Version);
        Assert.True(File.Exists(first.LogsLocation), "the run's log file exists");

        var unchanged = await harness.Retrain.RunAsync("schedule", default);
        Assert.Equal("skipped", unchanged.Action);
        Assert.Contains("unchanged", unchanged.Reason);

        await harness.SetDatasetApAsync("0.35");
        var worse = await harness.RunToCompletionAsync();
        Assert.Equal(TrainingRunStatus.Succeeded, worse.Status);
        Assert.False(worse.Promoted);
        Assert.Equal((0.35, 0.40), (worse.MaskAp!.Value, worse.BaselineMaskAp!.Value));
        Assert.Contains("kept the current model", worse.Error);
        Assert.Equal(first.RunId, (await storage.Registry.GetCurrentAsync())!.Value.Pointer.Version);

        await harness.SetDatasetApAsync("0.40");
        var equal = await harness.RunToCompletionAsync();
        Assert.True(equal.Promoted, "an equal AP is good enough (≥)");
        Assert.Equal(equal.RunId, (await storage.Registry.GetCurrentAsync())!.Value.Pointer.Version);

        var runs = await storage.ListTrainingRunsAsync();
        Assert.Equal([equal.RunId, worse.RunId, first.RunId], runs.Select(r => r.RunId));
    }
}

/// <summary>Its own Azurite: the run history and datasets of the other class must not leak in.</summary>
public sealed class RetrainFailureTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_failing_training_command_is_recorded_as_a_failed_run()
    {
        await using var harness = new TrainingHarness(azurite.ConnectionString, command: "echo 'out of memory' >&2; exit 3");
        await harness.Storage.EnsureCreatedAsync();
        await harness.SetDatasetApAsync("0.5");

        var run = await harness.RunToCompletionAsync();

        Assert.Equal(TrainingRunStatus.Failed, run.Status);
        Assert.Contains("exited with code 3", run.Error);
        Assert.Contains("out of memory", await File.ReadAllTextAsync(run.LogsLocation!));
    }
}

/// <summary>Its own Azurite: a requested run must not see the other classes' runs.</summary>
public sealed class RetrainRequestTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_run_requested_from_the_dashboard_starts_on_the_next_tick_even_if_datasets_are_unchanged()
    {
        await using var harness = new TrainingHarness(azurite.ConnectionString);
        await harness.Storage.EnsureCreatedAsync();
        await harness.SetDatasetApAsync("0.50");
        await harness.RunToCompletionAsync();
        Assert.Equal("skipped", (await harness.Retrain.RunAsync("schedule", default)).Action);

        // What the dashboard's "retrain now" writes.
        var request = TrainingRunEntity.Start("manual-" + Guid.NewGuid().ToString("N")[..8], "manual", "", DateTimeOffset.UtcNow);
        request.Status = TrainingRunStatus.Requested;
        await harness.Storage.SaveTrainingRunAsync(request);

        var started = await harness.Retrain.PollAsync(default);
        Assert.Equal(("started", request.RunId), (started!.Action, started.Run!.RunId));
        var run = await Eventually.ValueAsync(async () =>
        {
            await harness.Retrain.PollAsync(default);
            var row = (await harness.Storage.ListTrainingRunsAsync()).Single(r => r.RunId == request.RunId);
            return row.Status == TrainingRunStatus.Started ? null : row;
        }, "the requested run to finish");
        Assert.Equal(TrainingRunStatus.Succeeded, run.Status);
        Assert.Equal("manual", run.Trigger);
        Assert.NotEqual("", run.DatasetDigest);
        Assert.Null(await harness.Retrain.PollAsync(default));
    }
}
