using System.Text.Json.Nodes;
using CloudSeg.Datasets.Shapes;
using CloudSeg.Storage;

namespace CloudSeg.Functions.Tests.Training;

/// <summary>
/// Retraining end to end, as a user runs it: a request → the local runner starts the shipped job command → live
/// progress → a registered package with card and metrics → the promotion rule on the job's own measurements.
/// </summary>
public sealed class RetrainingEndToEndTests(RetrainingStack stack) : IClassFixture<RetrainingStack>
{
    [Fact]
    public async Task A_requested_run_fine_tunes_the_current_model_to_new_classes_registers_it_and_promotes_it_by_the_rule()
    {
        // The bundled model knows circles, squares, triangles and stars; these data hold other shapes, which it can
        // never name (mask AP 0). Fine-tuned from it with fresh head rows for them, the candidate must beat it.
        await stack.SeedDatasetAsync(train: 40, val: 10, [ShapeKind.Hexagon, ShapeKind.Ellipse, ShapeKind.Rectangle]);
        var before = await stack.CurrentVersionAsync();
        Assert.Equal(RetrainingStack.BundledVersion, before);

        var request = await stack.Storage.RequestTrainingRunAsync(30, "manual");
        Assert.Equal(TrainingRunStatus.Requested, request.Status);
        var second = await Assert.ThrowsAsync<InvalidOperationException>(() => stack.Storage.RequestTrainingRunAsync(null, "manual"));
        Assert.Contains(request.RunId, second.Message);

        var live = await stack.WaitForRunAsync(request.RunId, r => r.Status != TrainingRunStatus.Requested && r.Step > 0,
            "the run to report training steps");
        Assert.Equal((TrainingRunStatus.Started, 30), (live.Status, live.TotalSteps));
        Assert.NotNull(live.HeartbeatAt);
        Assert.NotNull(live.Loss);

        var run = await stack.WaitForRunAsync(request.RunId, r => r.Status is not (TrainingRunStatus.Requested or TrainingRunStatus.Started),
            "the run to end");
        Assert.True(run.Status == TrainingRunStatus.Succeeded, $"{run.Error}\n{run.LogTail}");
        Assert.Equal((30, 30), (run.Step, run.TotalSteps));
        Assert.Equal($"fine-tuned from {RetrainingStack.BundledVersion}; new classes: hexagon, ellipse, rectangle (fresh head rows)", run.WarmStart);
        Assert.Equal((RetrainingStack.BundledVersion, request.RunId), (run.BaselineModelVersion, run.ModelVersion));
        Assert.NotEqual("", run.DatasetDigest);

        // The package: graph, card with the validation figures, the weights to continue from, the step log.
        var models = stack.Storage.Registry.Container;
        foreach (var file in new[] { "model.onnx", "model.bin", "checkpoint.json" })
            Assert.True(await models.GetBlobClient($"{run.RunId}/{file}").ExistsAsync(), $"models/{run.RunId}/{file}");
        var card = JsonNode.Parse((await stack.Storage.Registry.ReadCardJsonAsync(run.RunId))!)!;
        Assert.Equal(["__background__", "hexagon", "ellipse", "rectangle"], card["classes"]!.AsArray().Select(c => (string)c!));
        Assert.NotNull(card["metrics"]!["segm_rescored"]!["AP"]);
        Assert.StartsWith("sha256:", (string)card["training"]!["data_digest"]!);
        var metrics = (await models.GetBlobClient($"{run.RunId}/metrics.jsonl").DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal(30, metrics.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // Both figures come from the job, on the same split; the rule decides.
        Assert.True(run.MaskAp > run.BaselineMaskAp,
            $"candidate {RetrainingStack.Ap(run.MaskAp)} should beat the model that knows none of these classes ({RetrainingStack.Ap(run.BaselineMaskAp)})");
        Assert.True(run.Promoted);
        Assert.Equal($"promoted: candidate {RetrainingStack.Ap(run.MaskAp)} ≥ current {RetrainingStack.Ap(run.BaselineMaskAp)} + 0", run.Decision);
        Assert.Equal(run.RunId, await stack.CurrentVersionAsync());

        // The next run continues from the promoted version's training weights (model.bin + checkpoint.json).
        var next = await stack.Storage.RequestTrainingRunAsync(2, "schedule");
        var continued = await stack.WaitForRunAsync(next.RunId, r => r.Status is TrainingRunStatus.Succeeded or TrainingRunStatus.Failed, "the next run to end");
        Assert.True(continued.Status == TrainingRunStatus.Succeeded, $"{continued.Error}\n{continued.LogTail}");
        Assert.Equal($"fine-tuned from {run.RunId}", continued.WarmStart);
        Assert.Equal(run.MaskAp!.Value, continued.BaselineMaskAp!.Value, 6);   // the same package on the same split
    }
}

/// <summary>The guarded side: kept candidates, a killed job, bad data — never a stuck run, never a changed current model.</summary>
public sealed class RetrainingGuardTests(RetrainingStackWithUnreachableMargin stack) : IClassFixture<RetrainingStackWithUnreachableMargin>
{
    [Fact]
    public async Task A_candidate_below_the_margin_is_registered_but_the_current_model_stays()
    {
        await stack.SeedDatasetAsync(train: 8, val: 4);
        var request = await stack.Storage.RequestTrainingRunAsync(2, "manual");

        var run = await stack.WaitForRunAsync(request.RunId, r => r.Status is TrainingRunStatus.Succeeded or TrainingRunStatus.Failed, "the run to end");

        Assert.True(run.Status == TrainingRunStatus.Succeeded, $"{run.Error}\n{run.LogTail}");
        Assert.False(run.Promoted);
        Assert.NotNull(run.MaskAp);
        Assert.Equal($"kept current: candidate {RetrainingStack.Ap(run.MaskAp)} < current {RetrainingStack.Ap(run.BaselineMaskAp)} + 1", run.Decision);
        Assert.True(await stack.Storage.Registry.Container.GetBlobClient($"{run.RunId}/model.onnx").ExistsAsync(), "the candidate is registered");
        Assert.Equal(RetrainingStack.BundledVersion, await stack.CurrentVersionAsync());
    }

    [Fact]
    public async Task Killing_the_job_mid_training_fails_the_run_with_the_reason_and_its_log()
    {
        await stack.SeedDatasetAsync(train: 8, val: 4);
        var request = await stack.Storage.RequestTrainingRunAsync(2000, "manual");
        var training = await stack.WaitForRunAsync(request.RunId, r => r.Step >= 2, "the job to train");

        ProcessTree.Kill(int.Parse(training.ExecutionId!, System.Globalization.CultureInfo.InvariantCulture));

        var run = await stack.WaitForRunAsync(request.RunId, r => r.Status != TrainingRunStatus.Started, "the killed run to end", TimeSpan.FromSeconds(60));
        Assert.Equal(TrainingRunStatus.Failed, run.Status);
        Assert.Contains("killed by signal 9", run.Error);
        Assert.Contains("Training", run.LogTail);
        Assert.NotNull(run.FinishedAt);
        Assert.Equal(RetrainingStack.BundledVersion, await stack.CurrentVersionAsync());
        Assert.DoesNotContain(await stack.Storage.ListTrainingRunsAsync(), r => r.Status is TrainingRunStatus.Requested or TrainingRunStatus.Started);
    }

    [Fact]
    public async Task A_category_without_instances_fails_the_run_before_training()
    {
        await stack.SeedDatasetAsync(train: 4, val: 2);
        var annotations = stack.Storage.Datasets.GetBlobClient("train/annotations.json");
        var coco = JsonNode.Parse((await annotations.DownloadContentAsync()).Value.Content.ToString())!;
        coco["categories"]!.AsArray().Add(new JsonObject { ["id"] = 99, ["name"] = "dog" });
        await annotations.UploadAsync(BinaryData.FromString(coco.ToJsonString()), overwrite: true);

        var request = await stack.Storage.RequestTrainingRunAsync(2, "manual");
        var run = await stack.WaitForRunAsync(request.RunId, r => r.Status is TrainingRunStatus.Succeeded or TrainingRunStatus.Failed, "the run to end");

        Assert.Equal(TrainingRunStatus.Failed, run.Status);
        Assert.Contains("no instances of 'dog'", run.Error);
        Assert.Contains("no instances of 'dog'", run.LogTail);
        Assert.Equal(0, run.Step ?? 0);
        Assert.False(await stack.Storage.Registry.Container.GetBlobClient($"{run.RunId}/model.onnx").ExistsAsync());
        Assert.Equal(RetrainingStack.BundledVersion, await stack.CurrentVersionAsync());
    }

    [Fact]
    public async Task An_empty_datasets_container_fails_a_request_at_once()
    {
        await foreach (var blob in stack.Storage.Datasets.GetBlobsAsync())
            await stack.Storage.Datasets.DeleteBlobAsync(blob.Name);
        var request = await stack.Storage.RequestTrainingRunAsync(null, "manual");

        var run = await stack.WaitForRunAsync(request.RunId, r => r.Status != TrainingRunStatus.Requested, "the request to be handled", TimeSpan.FromSeconds(30));

        Assert.Equal(TrainingRunStatus.Failed, run.Status);
        Assert.Contains("no labelled data", run.Error);
        Assert.Equal(RetrainingStack.BundledVersion, await stack.CurrentVersionAsync());
    }
}
