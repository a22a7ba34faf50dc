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
