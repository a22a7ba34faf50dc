using System.Text.Json;
using CloudSeg.Datasets;
using CloudSeg.Datasets.Shapes;
using CloudSeg.Inference;
using CloudSeg.Onnx;
using CloudSeg.Training.Backbone;
using CloudSeg.Training.Engine;
using CloudSeg.Training.Export;
using CloudSeg.Training.Import;
using CloudSeg.Training.Yolact;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace CloudSeg.Training.Tests;

/// <summary>
/// YOLACT on the ImageNet ResNet-18 that Mask R-CNN starts from (<c>--backbone-weights imagenet --backbone-stages 3</c>):
/// a few real training steps on a shapes folder, the exported graph against the training forward, and the warm start of
/// a package that ships only its graph (as models/yolact does).
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class YolactImageNetBackboneTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("cloudseg-yolact-imagenet-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Trains_from_the_imagenet_backbone_exports_equal_and_fine_tunes_from_the_graph_alone()
    {
        await new ShapesDatasetWriter(new ShapesOptions { ImageSize = 64 }).WriteAsync(_root,
            [new ShapesSplit("train", 8)], ImageFileFormat.Png, null, CancellationToken.None);
        var request = new TrainingRequest
        {
            TrainData = Path.Combine(_root, "train"), OutputDirectory = Path.Combine(_root, "out"), ImageSize = 64,
            Architecture = CloudSeg.ModelCards.ModelArchitecture.Yolact, BackboneWeights = BackboneWeights.ImageNet,
            TrainableBackboneLayers = 3, BackboneStages = 3,
        };
        var options = new TrainerOptions { Steps = 2, BatchSize = 2, WarmupSteps = 1, Threads = 2 };

        var outcome = await new TrainingRun(options, NullLoggerFactory.Instance).RunAsync(request, null, null, CancellationToken.None);

        Assert.StartsWith("backbone from imagenet", outcome.Initialisation);
        var (model, _) = Checkpoint.LoadYolact(outcome.ModelDirectory);
        using var _1 = model;
        Assert.Equal((ResNetDepth.ResNet18Cntk, 64, 3, NormLayer.FrozenBatchNorm),
            (model.Options.Backbone, model.Options.BackboneWidth, model.Options.BackboneStages, model.Options.Norm));
        // P3–P7 keep the paper's strides 8–128 on the body cut after C4 (P5 subsampled from P4): 64 px → 8, 4, 2, 1, 1.
        using (no_grad())
            Assert.Equal(new[] { (8L, 8L), (4L, 4L), (2L, 2L), (1L, 1L), (1L, 1L) }, model.Forward(zeros(1, 3, 64, 64)).Levels);
        // The frozen stages kept ImageNet's weights: conv1 equals the file's.
        using (var imagenet = BackboneWeights.Open(BackboneWeights.ImageNet))
        using (var fresh = new YolactModel(model.Options))
        {
            imagenet.LoadInto(fresh);
            Assert.Equal(0f, ExportTestSupport.MaxAbsDifference(fresh.state_dict()["backbone.body.conv1.weight"], model.state_dict()["backbone.body.conv1.weight"]));
        }

        // The exported graph equals the training forward.
        var (image, _) = SyntheticScenes.Make(31, height: 72, width: 96);
        var expected = model.Candidates([image])[0];
        var graph = OnnxModelFile.Read(Path.Combine(outcome.ModelDirectory, ModelPackageExporter.OnnxFileName));
        var onnx = ExportTestSupport.RunOnnx(graph, (YolactGraph.ImageInput, image));
        Assert.InRange(ExportTestSupport.MaxAbsDifference(expected.Boxes, onnx[YolactGraph.BoxesOutput]), 0, 1e-2f);
        Assert.InRange(ExportTestSupport.MaxAbsDifference(expected.Scores, onnx[YolactGraph.ScoresOutput]), 0, 1e-4f);
        Assert.InRange(ExportTestSupport.MaxAbsDifference(expected.Coefficients, onnx[YolactGraph.CoefficientsOutput]), 0, 1e-4f);
        Assert.InRange(ExportTestSupport.MaxAbsDifference(expected.Prototypes, onnx[YolactGraph.PrototypesOutput]), 0, 1e-4f);

        // A package of only model.onnx + card (no model.bin) fine-tunes: the graph records the options, its
        // initializers the weights, and the rebuilt model computes what the graph computes.
        var bundled = Path.Combine(_root, "bundled");
        Directory.CreateDirectory(bundled);
        foreach (var file in new[] { ModelPackageExporter.OnnxFileName, ModelPackageExporter.CardFileName })
            File.Copy(Path.Combine(outcome.ModelDirectory, file), Path.Combine(bundled, file));
        Assert.Equal(JsonSerializer.Serialize(model.Options, Checkpoint.Json), JsonSerializer.Serialize(ExportedGraphWeights.RecordedYolactOptions(graph), Checkpoint.Json));
        using (var rebuilt = TrainingRun.FromGraph(Path.Combine(bundled, ModelPackageExporter.OnnxFileName), out var reason))
        {
            Assert.True(rebuilt is not null, reason);
            rebuilt.eval();
            var again = rebuilt.Candidates([image])[0];
            Assert.InRange(ExportTestSupport.MaxAbsDifference(onnx[YolactGraph.ScoresOutput], again.Scores), 0, 1e-4f);
            Assert.InRange(ExportTestSupport.MaxAbsDifference(onnx[YolactGraph.PrototypesOutput], again.Prototypes), 0, 1e-4f);
        }
        var fineTune = request with { BackboneWeights = null, FineTuneFrom = bundled, OutputDirectory = Path.Combine(_root, "fine-tune") };
        var tuned = await new TrainingRun(options with { Steps = 1 }, NullLoggerFactory.Instance).RunAsync(fineTune, null, null, CancellationToken.None);
        Assert.StartsWith("fine-tuned from ", tuned.Initialisation);
    }
}
