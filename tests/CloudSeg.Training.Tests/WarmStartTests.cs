using CloudSeg.Datasets;
using CloudSeg.Datasets.Shapes;
using CloudSeg.Testing;
using CloudSeg.Training.Backbone;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Engine;
using CloudSeg.Training.Export;
using static TorchSharp.torch;

namespace CloudSeg.Training.Tests;

/// <summary>
/// Warm start from the bundled default model, which ships only model.onnx + card: its weights come back from the
/// graph's initializers (torchvision names; batch norm folded at export comes back as identity + folded bias).
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class WarmStartTests : IDisposable
{
    private static readonly string DefaultModel = Path.Combine(RepoPaths.Root, "models", "default");
    private readonly string _directory = Directory.CreateTempSubdirectory("cloudseg-warm-start-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_bundled_model_rebuilt_from_its_graph_detects_exactly_what_its_graph_detects()
    {
        var classes = new[] { "__background__", "circle", "square", "triangle", "star" };
        using var warm = WarmStart.Open(DefaultModel, classes.Length, out var reason);
        Assert.True(warm is not null, reason);
        // The graph records its architecture: ML.NET's ImageNet ResNet-18 layout cut after layer3, with its normalisation,
        // and its input size (v5 runs at 192 px).
        Assert.Equal((ResNetDepth.ResNet18Cntk, 64, 3, NormLayer.FrozenBatchNorm, 192),
            (warm.Options.Backbone, warm.Options.BackboneWidth, warm.Options.BackboneStages, warm.Options.Norm, warm.Options.MinSize));

        manual_seed(1);
        using var model = new MaskRcnn(warm.Options);
        Assert.Empty(warm.LoadInto(model, classes));

        var images = await ShapesImagesAsync(new ShapesOptions().Classes, 4);
        var checks = await ExportVerification.VerifyAsync(model, DefaultModel, images, CancellationToken.None);
        Assert.All(checks, c => Assert.True(c.Agrees, c.ToString()));
        Assert.True(checks.Sum(c => c.OnnxInstances) > 0, "the pictures hold shapes the model finds");
    }

    [Fact]
    public void Classes_are_matched_by_name_and_a_new_class_gets_fresh_rows()
    {
        // The dataset lists star first and adds hexagon: star's rows must move to label 1, hexagon's stay fresh.
        var classes = new[] { "__background__", "star", "circle", "hexagon" };
        using var warm = WarmStart.Open(DefaultModel, classes.Length, out _);
        manual_seed(1);
        using var model = new MaskRcnn(warm!.Options);
        var fresh = model.state_dict()["roi_heads.box_predictor.cls_score.weight"].clone();

        Assert.Equal(["hexagon"], warm.LoadInto(model, classes));

        var graph = Import.ExportedGraphWeights.ReadInitializers(CloudSeg.Onnx.OnnxModelFile.Read(Path.Combine(DefaultModel, ModelPackageExporter.OnnxFileName)).Graph);
        var source = graph["roi_heads.box_predictor.cls_score.weight"];   // bundled labels: circle 1, square 2, triangle 3, star 4
        var loaded = model.state_dict()["roi_heads.box_predictor.cls_score.weight"];
        Assert.True(loaded[0].allclose(source[0], rtol: 0, atol: 0), "background row");
        Assert.True(loaded[1].allclose(source[4], rtol: 0, atol: 0), "star row");
        Assert.True(loaded[2].allclose(source[1], rtol: 0, atol: 0), "circle row");
        Assert.True(loaded[3].allclose(fresh[3], rtol: 0, atol: 0), "hexagon keeps its fresh row");
        var boxes = model.state_dict()["roi_heads.box_predictor.bbox_pred.weight"];
        Assert.True(boxes[TensorIndex.Slice(4, 8)].allclose(graph["roi_heads.box_predictor.bbox_pred.weight"][TensorIndex.Slice(16, 20)], rtol: 0, atol: 0), "star's 4 box rows");
        foreach (var tensor in graph.Values) tensor.Dispose();
    }

    [Fact]
    public void A_package_of_another_format_is_not_warm_startable_and_says_why()
    {
        var fixture = Path.Combine(RepoPaths.Fixtures, "models", "torchvision-tiny");

        Assert.Null(WarmStart.Open(fixture, 3, out var reason));
        Assert.Contains("torchvision", reason);
    }

    private async Task<List<string>> ShapesImagesAsync(IReadOnlyList<ShapeKind> kinds, int count)
    {
        await new ShapesDatasetWriter(new ShapesOptions { ImageSize = 128, Seed = 5, Classes = kinds })
            .WriteAsync(_directory, [new ShapesSplit("val", count)]);
        return Directory.GetFiles(Path.Combine(_directory, "val", "images")).Order().ToList();
    }
}
