using System.Text.Json;
using CloudSeg.Datasets.Shapes;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Cli.Tests;

/// <summary>
/// The commands that talk to a running system (dataset, retrain, models) against a real Azurite. No functions host
/// runs here: where a command waits for a training run, the test writes the run row the way the training job does.
/// </summary>
public sealed class RunningSystemCommandsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cloudseg-cli-system-").FullName;
    private CloudSegStorage Storage => CloudSegStorage.Create(new StorageOptions { ConnectionString = azurite.ConnectionString });

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Dataset_push_refuses_a_bad_folder_whole_and_publishes_a_good_one_that_ls_summarises()
    {
        await EndActiveRunsAsync();
        await new ShapesDatasetWriter(new ShapesOptions { ImageSize = 64, Seed = 21 }).WriteAsync(_work, [new ShapesSplit("train", 3)]);
        var folder = Path.Combine(_work, "train");
        var annotations = await File.ReadAllTextAsync(Path.Combine(folder, "annotations.json"));
        var png = await File.ReadAllBytesAsync(Path.Combine(folder, "images", "000002.png"));
        await File.WriteAllBytesAsync(Path.Combine(folder, "images", "000002.png"), png[..40]);
        await File.WriteAllTextAsync(Path.Combine(folder, "annotations.json"), annotations.Replace("\"000003.png\"", "\"../000003.png\""));

        var (refused, refusal) = await CliRunner.RunAsync("dataset", "push", folder, "--split", "train", "--connection-string", azurite.ConnectionString);

        Assert.Equal(1, refused);
        Assert.Contains("problem: image 2 '000002.png':", refusal);
        Assert.Contains("problem: image 3 '../000003.png': the file name has an empty, '.', '..'", refusal);
        Assert.Contains("has 2 problem(s); nothing was uploaded.", refusal);
        Assert.True((await Storage.GetDatasetSummaryAsync()).IsEmpty);

        await File.WriteAllBytesAsync(Path.Combine(folder, "images", "000002.png"), png);
        await File.WriteAllTextAsync(Path.Combine(folder, "annotations.json"), annotations);
        var (pushed, output) = await CliRunner.RunAsync("dataset", "push", folder, "--split", "train", "--connection-string", azurite.ConnectionString);
        var (listed, listing) = await CliRunner.RunAsync("dataset", "ls", "--connection-string", azurite.ConnectionString);

        Assert.True(pushed == 0, output);
        Assert.Contains("Pushed train: 3 images", output);
        Assert.Equal(0, listed);
        var train = Assert.Single((await Storage.GetDatasetSummaryAsync()).Splits);
        Assert.Equal(("train", 3), (train.Split, train.Images));
        Assert.Contains($"│ train │ 3      │ {train.Instances,-9} │", listing);
        Assert.Contains(string.Join(", ", train.InstancesPerClass.Select(kv => $"{kv.Key} {kv.Value}")), listing);
    }

    [Fact]
    public async Task Retrain_requests_one_run_at_a_time_and_wait_ends_with_the_runs_outcome()
    {
        await EndActiveRunsAsync();
        var (requested, output) = await CliRunner.RunAsync("retrain", "--steps", "30", "--connection-string", azurite.ConnectionString);
        var (again, refusal) = await CliRunner.RunAsync("retrain", "--connection-string", azurite.ConnectionString);

        Assert.True(requested == 0, output);
        var run = (await Storage.ListTrainingRunsAsync(1)).Single();
        Assert.Equal((TrainingRunStatus.Requested, "manual", (int?)30), (run.Status, run.Trigger, run.RequestedSteps));
        Assert.Contains($"Requested training run {run.RunId} (30 steps).", output);
        Assert.Equal(1, again);
        Assert.Contains($"A training run is already requested or running: {run.RunId}", refusal);
        Assert.Equal(1, (await Storage.ListTrainingRunsAsync(10)).Count(r => r.Status == TrainingRunStatus.Requested));

        await EndActiveRunsAsync();
        var (succeeded, success) = await WaitWhileTheJobRunsAsync(r =>
        {
            r.Status = TrainingRunStatus.Succeeded;
            (r.ModelVersion, r.MaskAp, r.BaselineMaskAp, r.BaselineModelVersion) = (r.RunId, 0.781, 0.774, "bundled-x");
            r.Decision = "promoted: candidate 0.781 ≥ current 0.774 + 0";
        });
        Assert.True(succeeded == 0, success);
        Assert.Contains("succeeded", success);
        Assert.Contains("Decision: promoted: candidate 0.781 ≥ current 0.774 + 0", success);

        var (failed, failure) = await WaitWhileTheJobRunsAsync(r =>
        {
            r.Status = TrainingRunStatus.Failed;
            r.Error = "The exported graph disagrees with the training forward.";
            r.LogTail = "step 5 loss 0.4\nexport check failed on val image 3";
        });
        Assert.Equal(1, failed);
        Assert.Contains("The exported graph disagrees with the training forward.", failure);
        Assert.Contains("export check failed on val image 3", failure);
    }

    [Fact]
    public async Task Models_list_json_promote_and_rollback_use_the_registry()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var model = Path.Combine(CloudSeg.Testing.RepoPaths.Fixtures, "models", "torchvision-tiny");
        var (bundled, trained, imported) = ($"bundled-{suffix}", $"train-{suffix}", $"import-{suffix}");
        foreach (var version in new[] { bundled, trained, imported }) await Storage.Registry.UploadAsync(version, model);
        var run = TrainingRunEntity.Start(trained, "manual", "digest", DateTimeOffset.UtcNow);
        (run.Status, run.ModelVersion, run.MaskAp, run.BaselineMaskAp) = (TrainingRunStatus.Succeeded, trained, 0.7, 0.65);
        run.Decision = "promoted: candidate 0.700 ≥ current 0.650 + 0";
        await Storage.SaveTrainingRunAsync(run);

        var (promoted, _) = await CliRunner.RunAsync("models", "promote", trained, "--connection-string", azurite.ConnectionString);
        var (missing, refusal) = await CliRunner.RunAsync("models", "promote", "no-such-version", "--connection-string", azurite.ConnectionString);
        var (listed, json) = await CliRunner.RunAsync("models", "list", "--json", "--connection-string", azurite.ConnectionString);

        Assert.Equal((0, 1), (promoted, missing));
        Assert.Contains("models/no-such-version/model.onnx does not exist", refusal);
        Assert.Equal(0, listed);
        var entries = JsonDocument.Parse(json).RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("version").GetString()!);
        Assert.Equal((true, "training", 0.7), (entries[trained].GetProperty("current").GetBoolean(), entries[trained].GetProperty("source").GetString(), entries[trained].GetProperty("mask_ap").GetDouble()));
        Assert.Equal(run.Decision, entries[trained].GetProperty("decision").GetString());
        Assert.Equal((false, "bundled"), (entries[bundled].GetProperty("current").GetBoolean(), entries[bundled].GetProperty("source").GetString()));
        Assert.Equal("import", entries[imported].GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Null, entries[imported].GetProperty("mask_ap").ValueKind);
        Assert.True(entries[imported].GetProperty("created").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(-1));

        // Rollback goes to the version registered just before the current one, until there is none.
        var order = (await Storage.Registry.ListVersionsAsync()).Select(v => v.Version).ToList();
        var (rolledBack, rollback) = await CliRunner.RunAsync("models", "rollback", "--connection-string", azurite.ConnectionString);
        Assert.True(rolledBack == 0, rollback);
        Assert.Equal(order[order.IndexOf(trained) - 1], (await Storage.Registry.GetCurrentAsync())!.Value.Pointer.Version);
        await CliRunner.RunAsync("models", "promote", order[0], "--connection-string", azurite.ConnectionString);
        var (nothing, noEarlier) = await CliRunner.RunAsync("models", "rollback", "--connection-string", azurite.ConnectionString);
        Assert.Equal(1, nothing);
        Assert.Contains("there is no earlier version to roll back to", noEarlier);
    }

    /// <summary>
    /// Runs <c>retrain --wait</c> while playing the training job on its row: started with progress, then
    /// <paramref name="finish"/>. Returns the command's exit code and output.
    /// </summary>
    private async Task<(int ExitCode, string Output)> WaitWhileTheJobRunsAsync(Action<TrainingRunEntity> finish)
    {
        var known = (await Storage.ListTrainingRunsAsync(100)).Select(r => r.RunId).ToHashSet();
        var command = CliRunner.RunAsync("retrain", "--steps", "5", "--wait", "--timeout", "120", "--connection-string", azurite.ConnectionString);
        var run = await Eventually.ValueAsync(async () => (await Storage.ListTrainingRunsAsync(5)).FirstOrDefault(r => !known.Contains(r.RunId)), "the requested run");
        run.Status = TrainingRunStatus.Started;
        (run.Step, run.TotalSteps, run.Loss) = (3, 5, 0.5);
        await Storage.SaveTrainingRunAsync(run);
        finish(run);
        run.Step = 5;
        run.FinishedAt = DateTimeOffset.UtcNow;
        await Storage.SaveTrainingRunAsync(run);
        return await command;
    }

    private async Task EndActiveRunsAsync()
    {
        foreach (var run in (await Storage.ListTrainingRunsAsync(100)).Where(r => r.IsActive()))
        {
            run.Status = TrainingRunStatus.Failed;
            run.Error = "ended by the test";
            await Storage.SaveTrainingRunAsync(run);
        }
    }
}
