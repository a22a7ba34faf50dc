using CloudSeg.Evaluation.Metrics;
using CloudSeg.Inference;
using CloudSeg.Testing;
using Xunit.Abstractions;

namespace CloudSeg.Training.Tests;

/// <summary>
/// The bundled default model (models/default) on the held-out split it was scored on (training/make-default-model.sh:
/// shapes seed 1, val = the second split), run the way users run it: through the inference engine, pasted as its
/// card says. Its card reports segm AP 0.823 on all 200 pictures (v5; v4 0.791, v3 0.792, v2 from scratch 0.763); a broken graph, paste or
/// decoder falls far below. Both of its graphs: the float one and the int8 one CPU hosts pick by default.
/// </summary>
public sealed class DefaultModelTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cloudseg-default-model-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(ModelPrecision.Float32)]
    [InlineData(ModelPrecision.Int8)]
    public async Task Bundled_model_segments_held_out_shapes_with_the_mask_AP_of_its_card(ModelPrecision precision)
    {
        var val = await HeldOutShapes.WriteAsync(_directory);
        using var segmenter = MaskRcnnSegmenter.Load(Path.Combine(RepoPaths.Root, "models", "default"), new SegmenterOptions
        {
            PreferCuda = false, IntraOpThreads = 2, ScoreThreshold = 0.05f, UseMaskIouRescoring = false, Precision = precision,
        });
        Assert.Equal(precision, segmenter.Precision);
        var (groundTruth, results) = await HeldOutShapes.SegmentAsync(segmenter, Path.Combine(val, "annotations.json"), Path.Combine(val, "images"));

        var report = EvaluationReport.Evaluate(groundTruth, results, [IouType.Segm]);
        double plain = report.Columns.Single(c => !c.Rescored).Summary.AP;
        double rescored = report.Columns.Single(c => c.Rescored).Summary.AP;
        output.WriteLine($"{precision}: segm AP {plain:F3}, rescored {rescored:F3}, {results.Count} detections on {groundTruth.Images.Count} pictures");
        Assert.Equal("aligned", segmenter.Card.MaskPaste);
        Assert.True(plain >= 0.80, $"segm AP {plain:F3} on 100 held-out pictures (card: 0.823 on 200; 0.830 fp32 and 0.828 int8 measured on these 100)");
        Assert.True(rescored > plain, $"MaskIoU rescoring should help: {rescored:F3} vs {plain:F3}");
    }
}
