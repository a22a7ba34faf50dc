using CloudSeg.Evaluation.Metrics;
using CloudSeg.Inference;
using CloudSeg.ModelCards;
using CloudSeg.Testing;
using Xunit.Abstractions;

namespace CloudSeg.Training.Tests;

/// <summary>
/// The bundled YOLACT (models/yolact, training/make-yolact-model.sh) run the way users run it, through the factory
/// that hosts use: on the held-out shapes split it was scored on (its card reports the AP on all 200 pictures; a broken
/// decode, Fast NMS or mask assembly falls far below), and on the README's sample pictures (256 px, twice its input).
/// </summary>
public sealed class BundledYolactModelTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string ModelDirectory = Path.Combine(RepoPaths.Root, "models", "yolact");
    private readonly string _directory = Directory.CreateTempSubdirectory("cloudseg-yolact-model-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static ISegmenter Load(float scoreThreshold) => SegmenterFactory.Load(ModelDirectory, new SegmenterOptions
    {
        PreferCuda = false, IntraOpThreads = 2, ScoreThreshold = scoreThreshold,
    });

    [Fact]
    public async Task Bundled_yolact_segments_held_out_shapes_with_the_mask_AP_of_its_card()
    {
        var val = await HeldOutShapes.WriteAsync(_directory);
        using var segmenter = Load(scoreThreshold: 0.05f);
        var (groundTruth, results) = await HeldOutShapes.SegmentAsync(segmenter, Path.Combine(val, "annotations.json"), Path.Combine(val, "images"));

        var report = EvaluationReport.Evaluate(groundTruth, results, [IouType.Segm]);
        double ap = report.Columns.Single(c => !c.Rescored).Summary.AP;
        output.WriteLine($"segm AP {ap:F3}, {results.Count} detections on {groundTruth.Images.Count} pictures");
        Assert.Equal(ModelArchitecture.Yolact, segmenter.Architecture);
        Assert.True(ap >= MinimumAp, $"segm AP {ap:F3} on 100 held-out pictures");
    }

    [Fact]
    public async Task Bundled_yolact_finds_the_shapes_of_the_sample_pictures()
    {
        var samples = Path.Combine(RepoPaths.Root, "samples");
        using var segmenter = Load(scoreThreshold: 0.5f);
        var (groundTruth, results) = await HeldOutShapes.SegmentAsync(segmenter, Path.Combine(samples, "annotations.json"), samples);

        // Real detections, not just any: at IoU 0.5 most sample shapes are found with their class (1.000 when committed:
        // 17 detections for 17 shapes).
        var report = EvaluationReport.Evaluate(groundTruth, results, [IouType.Segm]);
        double ap50 = report.Columns.Single(c => !c.Rescored).Summary.AP50;
        output.WriteLine($"samples: segm AP50 {ap50:F3}, {results.Count} detections on {groundTruth.Images.Count} pictures");
        Assert.True(ap50 >= 0.5, $"segm AP50 {ap50:F3} on the samples");
    }

    [Fact]
    public void The_bundled_yolact_rebuilds_from_its_graph_so_retraining_fine_tunes_it()
    {
        // The package ships no model.bin: its graph records the architecture (the ImageNet ResNet-18 cut after layer3)
        // and holds the weights, so a retraining run starts from it instead of from scratch.
        using var model = Engine.TrainingRun.FromGraph(Path.Combine(ModelDirectory, Export.ModelPackageExporter.OnnxFileName), out var reason);
        Assert.True(model is not null, reason);
        Assert.Equal((Backbone.ResNetDepth.ResNet18Cntk, 3, 128), (model.Options.Backbone, model.Options.BackboneStages, model.Options.ImageSize));
    }

    /// <summary>The gate, under the card's 0.706 on all 200 pictures (100 of them vary by a few points).</summary>
    private const double MinimumAp = 0.65;
}
