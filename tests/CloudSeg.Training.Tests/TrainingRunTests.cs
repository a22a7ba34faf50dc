using CloudSeg.Datasets.Augmentation;
using System.Text.Json;
using CloudSeg.Core.Coco;
using CloudSeg.Datasets;
using CloudSeg.Datasets.Shapes;
using CloudSeg.ModelCards;
using CloudSeg.Training.Engine;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudSeg.Training.Tests;

/// <summary>A whole training job on a small shapes dataset written by the data library: train, checkpoint, evaluate.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class TrainingRunTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("cloudseg-run-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Init_from_loads_the_state_dict_before_training_and_refuses_one_of_another_backbone()
    {
        await new ShapesDatasetWriter(new ShapesOptions { ImageSize = 64 }).WriteAsync(_root,
            [new ShapesSplit("train", 12)], ImageFileFormat.Png, null, CancellationToken.None);
        // The fixture is a ResNet-18 at 1/8 width; the run builds the half-width "small" ResNet-18, so the import must
        // refuse it before any step is taken (a wrong file must never silently train from scratch).
        var request = new TrainingRequest
        {
            TrainData = Path.Combine(_root, "train"), OutputDirectory = Path.Combine(_root, "out"), ImageSize = 64,
            InitFrom = Path.Combine(AppContext.BaseDirectory, "fixtures", "export", "tiny-maskrcnn-basic.safetensors"),
        };
        var options = new TrainerOptions { Steps = 1, BatchSize = 2, WarmupSteps = 1, Threads = 2 };

        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            new TrainingRun(options, NullLoggerFactory.Instance).RunAsync(request, null, null, CancellationToken.None));

        Assert.Contains("backbone", error.Message);
        Assert.Null(Trainer.LatestCheckpoint(request.OutputDirectory));
    }

    [Fact]
    public async Task Trains_from_a_coco_folder_and_evaluates_on_the_validation_split()
    {
        await new ShapesDatasetWriter(new ShapesOptions { ImageSize = 64 }).WriteAsync(_root,
            [new ShapesSplit("train", 12), new ShapesSplit("val", 2)], ImageFileFormat.Png, null, CancellationToken.None);
        string output = Path.Combine(_root, "out");
        var options = new TrainerOptions { Steps = 2, BatchSize = 2, WarmupSteps = 1, Threads = 2, CheckpointEvery = 1 };
        var request = new TrainingRequest
        {
            TrainData = Path.Combine(_root, "train"), ValidationData = Path.Combine(_root, "val"), OutputDirectory = output,
            ImageSize = 64, MaxImageSize = 85,
            Augmentation = new AugmentationOptions { JitterMinScale = 0.5, JitterMaxScale = 1.5, PhotometricDistortion = true, NoiseSigma = 10 },
        };

        var outcome = await new TrainingRun(options, NullLoggerFactory.Instance).RunAsync(request, null, null, CancellationToken.None);

        Assert.Equal(Path.Combine(output, Trainer.FinalModelFolder), outcome.ModelDirectory);
        var info = Checkpoint.ReadInfo(outcome.ModelDirectory);
        Assert.Equal(2, info.Step);
        Assert.Equal(["__background__", "circle", "square", "triangle", "star"], info.Classes);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(output, MetricsLog.FileName)).Length);
        Assert.NotNull(Trainer.LatestCheckpoint(output));

        // An untrained model scores near zero, but the evaluation must run and report every column.
        Assert.Equal(["bbox", "segm", "bbox_rescored", "segm_rescored"], outcome.Evaluation!.Columns.Select(c => c.Name));
        using var evaluation = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, TrainingRun.EvaluationFileName)));
        Assert.True(evaluation.RootElement.GetProperty("segm").TryGetProperty("AP", out _));
        await using var results = File.OpenRead(Path.Combine(output, TrainingRun.ValidationResultsFileName));
        var written = CocoResultsJson.Read(results);
        Assert.Equal(outcome.ValidationResults.Count, written.Count);
        Assert.All(written, r => Assert.InRange(r.CategoryId, 1, 4));

        // The package loads as is: graph + card with the validation figures, checked against the training forward.
        foreach (var file in new[] { "model.onnx", "model.card.json", Checkpoint.ModelFileName, MetricsLog.FileName })
            Assert.True(File.Exists(Path.Combine(outcome.ModelDirectory, file)), file);
        Assert.Equal(2, outcome.Checks.Count);
        Assert.All(outcome.Checks, c => Assert.True(c.Agrees, c.ToString()));
        var card = ModelCard.Read(Path.Combine(outcome.ModelDirectory, "model.card.json"));
        Assert.Equal(info.Classes, card.Classes);
        Assert.Equal(outcome.Evaluation.Columns.Single(c => c.Name == "segm_rescored").Summary.AP, card.Metrics!.SegmRescored!.Ap);
        Assert.StartsWith("sha256:", card.Training!.DataDigest);
        // What the model was trained with travels from the loader through the checkpoint into the card.
        Assert.Equal(request.Augmentation.Describe(), card.Training.Augmentation);
        Assert.Contains("large-scale jitter 0.5–1.5", card.Training.Augmentation);
        Assert.Equal(85, card.Input!.MaxSize);
        Assert.Equal("from scratch", outcome.Initialisation);
    }
}
