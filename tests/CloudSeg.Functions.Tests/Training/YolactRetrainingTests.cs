using System.Text.Json.Nodes;
using CloudSeg.ModelCards;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Training;

/// <summary>The retraining stack with the bundled YOLACT (models/yolact) as the current model.</summary>
public sealed class RetrainingStackWithYolactCurrent : RetrainingStack
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Models:BundledModelDirectory"] = Path.Combine(RepoPaths.Root, "models", "yolact");
    }
}

/// <summary>A run trains the current model's architecture unless its request names another: the real job, short runs.</summary>
public sealed class YolactRetrainingTests(RetrainingStackWithYolactCurrent stack) : IClassFixture<RetrainingStackWithYolactCurrent>
{
    [Fact]
    public async Task A_run_trains_the_current_yolact_unless_the_request_names_mask_rcnn()
    {
        await stack.SeedDatasetAsync(train: 8, val: 4);
        var current = await stack.CurrentVersionAsync();
        Assert.NotNull(current);

        var plain = await RunAsync(architecture: null);
        Assert.Equal("yolact", await ArchitectureAsync(plain.RunId));
        // The bundled package has no model.bin; its graph records its options and holds its weights (TrainingRun.FromGraph).
        Assert.Equal($"fine-tuned from {current}", plain.WarmStart);
        Assert.Equal(current, plain.BaselineModelVersion);

        var named = await RunAsync(ModelArchitecture.MaskRcnn);
        Assert.Equal("mask_rcnn", await ArchitectureAsync(named.RunId));
        Assert.Equal("mask_rcnn", named.RequestedArchitecture);
        Assert.StartsWith("from scratch", named.WarmStart);
        Assert.Contains("is a yolact model; this run trains mask_rcnn", named.WarmStart);
    }

    private async Task<TrainingRunEntity> RunAsync(ModelArchitecture? architecture)
    {
        var request = await stack.Storage.RequestTrainingRunAsync(2, "manual", architecture);
        var run = await stack.WaitForRunAsync(request.RunId, r => r.Status is TrainingRunStatus.Succeeded or TrainingRunStatus.Failed, "the run to end");
        Assert.True(run.Status == TrainingRunStatus.Succeeded, $"{run.Error}\n{run.LogTail}");
        return run;
    }

    private async Task<string?> ArchitectureAsync(string version) =>
        (string?)JsonNode.Parse((await stack.Storage.Registry.ReadCardJsonAsync(version))!)!["architecture"];
}
