using CloudSeg.Core.Imaging;
using CloudSeg.Onnx;
using CloudSeg.Testing;
using CloudSeg.Training.Backbone;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Export;
using CloudSeg.Training.Import;
using static TorchSharp.torch;
using static CloudSeg.Training.Tests.ExportTestSupport;

namespace CloudSeg.Training.Tests;

/// <summary>
/// The ImageNet backbone proves its mapping on outputs: ML.NET's featurizer (ResNetPreprocess.onnx then ResNet18.onnx,
/// run by ONNX Runtime) and our ResNet built as <see cref="ResNetDepth.ResNet18Cntk"/> with the mapped weights give
/// the same 512-d pooled features for the same picture.
/// </summary>
[Collection(TorchSharpRandomCollection.Name)]
public sealed class ImageNetBackboneTests
{
    private const int Side = 224;

    /// <summary>A sample photo's centre, RGB 0–255, [1, 3, 224, 224].</summary>
    private static Tensor Picture()
    {
        var image = ImageDecoder.DecodeFile(Path.Combine(RepoPaths.Root, "samples", "000001.jpg"));
        using var full = tensor(image.Pixels.Select(p => (float)p).ToArray(), [image.Height, image.Width, 3]);
        int top = (image.Height - Side) / 2, left = (image.Width - Side) / 2;
        return full[TensorIndex.Slice(top, top + Side), TensorIndex.Slice(left, left + Side)].permute(2, 0, 1).unsqueeze(0).contiguous();
    }

    private static Tensor Featurizer(Tensor picture)
    {
        var preprocessed = RunOnnx(OnnxModelFile.Read(ImageNetResNet18.PreprocessPath), ("OriginalInput", picture)).Single().Value;
        using (preprocessed) return RunOnnx(OnnxModelFile.Read(ImageNetResNet18.ModelPath), ("Input247", preprocessed)).Single().Value.flatten();
    }

    private static Tensor Pooled(ResNet body, Tensor normalised)
    {
        var stages = body.call(normalised);
        try { return stages[^1].mean([0, 2, 3]); }
        finally { foreach (var stage in stages) stage.Dispose(); }
    }

    [Fact]
    public void Our_backbone_pools_the_featurizers_features_from_the_same_picture()
    {
        using var scope = NewDisposeScope();
        using var body = new ResNet(ResNetDepth.ResNet18Cntk, NormLayer.FrozenBatchNorm, 64);
        var state = ImageNetResNet18.ReadStateDict(ImageNetResNet18.ModelPath);
        var report = StateDictImporter.Load(body, state);
        Assert.True(report.IsExact, report.ToString());
        Assert.Equal(22 * 5, report.Loaded.Count);   // 22 convolutions, each with 4 batch-norm tensors
        body.eval();

        var picture = Picture();
        var expected = Featurizer(picture);
        using var meanImage = ImageNetResNet18.ReadMeanImage(ImageNetResNet18.PreprocessPath);
        Tensor ours;
        using (no_grad()) ours = Pooled(body, picture - meanImage);

        Assert.Equal(512, expected.shape[0]);
        Assert.True(expected.abs().max().item<float>() > 0.1, "the featurizer's features are all near zero: a meaningless comparison");
        float difference = MaxAbsDifference(expected, ours);
        Assert.True(difference <= 1e-4, $"pooled features differ by up to {difference}");
    }

    [Fact]
    public void Detection_normalisation_by_channel_means_keeps_the_features()
    {
        // Detection sees pictures of any size, so it subtracts the mean image's channel averages instead of the image.
        using var scope = NewDisposeScope();
        using var weights = BackboneWeights.Open(BackboneWeights.ImageNet);
        var options = weights.Apply(MaskRcnnOptions.Small(numClasses: 3), trainableLayers: 3);
        using var body = new ResNet(ResNetDepth.ResNet18Cntk, NormLayer.FrozenBatchNorm, 64);
        StateDictImporter.Load(body, ImageNetResNet18.ReadStateDict(ImageNetResNet18.ModelPath));
        body.eval();

        var picture = Picture();
        var expected = Featurizer(picture);
        var mean = tensor(options.ImageMean.Select(v => (float)v).ToArray()).view(1, 3, 1, 1);
        var std = tensor(options.ImageStd.Select(v => (float)v).ToArray()).view(1, 3, 1, 1);
        Tensor ours;
        using (no_grad()) ours = Pooled(body, (picture / 255 - mean) / std);

        double cosine = nn.functional.cosine_similarity(expected.unsqueeze(0), ours.unsqueeze(0)).item<float>();
        Assert.True(cosine > 0.99, $"cosine similarity {cosine}");
        Assert.Equal((ResNetDepth.ResNet18Cntk, 64, NormLayer.FrozenBatchNorm), (options.Backbone, options.BackboneWidth, options.Norm));
    }

    [Fact]
    public void Trainable_layers_freeze_the_stem_and_first_stages_as_torchvision_does()
    {
        using var weights = BackboneWeights.Open(BackboneWeights.ImageNet);
        using var model = new MaskRcnn(weights.Apply(MaskRcnnOptions.Small(numClasses: 3), trainableLayers: 3));
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad && p.name.StartsWith("backbone.body."))
            .Select(p => p.name.Split('.')[2]).ToHashSet();
        Assert.Equal(["layer2", "layer3", "layer4"], trainable.Order());
        Assert.Throws<ArgumentException>(() => weights.Apply(MaskRcnnOptions.Small(3), trainableLayers: 6));
    }

    [Fact]
    public void The_exported_graph_pads_like_the_file_and_agrees_with_the_model()
    {
        using var weights = BackboneWeights.Open(BackboneWeights.ImageNet);
        using var model = new MaskRcnn(weights.Apply(MaskRcnnOptions.Small(numClasses: 3, imageSize: 160), trainableLayers: 3));
        weights.LoadInto(model);
        model.eval();
        var graph = MaskRcnnOnnxExporter.Export(model, "test");
        var stem = graph.Graph.Node.First(n => n.OpType == "Conv");
        Assert.Equal([3L, 3, 2, 2], stem.Attribute.Single(a => a.Name == "pads").Ints);

        using var scope = NewDisposeScope();
        var image = Picture()[0] / 255;
        var expected = model.Detect([image])[0];
        var actual = RunOnnx(graph, (MaskRcnnOnnxExporter.ImageInput, image));
        Assert.Equal(expected.Boxes.shape[0], actual[MaskRcnnOnnxExporter.BoxesOutput].shape[0]);
        Assert.True(MaxAbsDifference(expected.Boxes, actual[MaskRcnnOnnxExporter.BoxesOutput]) < 1e-2);
    }

    [Fact]
    public void A_body_cut_after_layer3_loads_without_layer4_gives_the_full_bodys_C2_to_C4_and_exports()
    {
        using var scope = NewDisposeScope();
        using var weights = BackboneWeights.Open(BackboneWeights.ImageNet);
        var options = weights.Apply(MaskRcnnOptions.Small(numClasses: 3, imageSize: 160) with { BackboneStages = 3 }, trainableLayers: 3);
        using var model = new MaskRcnn(options);
        var report = weights.LoadInto(model);
        Assert.Equal(15 * 5, report.Loaded.Count);   // 22 convolutions less layer4's 7 (three blocks of two, one shortcut)
        Assert.DoesNotContain(model.named_parameters(), p => p.name.StartsWith("backbone.body.layer4.", StringComparison.Ordinal));

        using var cut = new ResNet(ResNetDepth.ResNet18Cntk, NormLayer.FrozenBatchNorm, 64, stages: 3);
        using var full = new ResNet(ResNetDepth.ResNet18Cntk, NormLayer.FrozenBatchNorm, 64);
        var state = ImageNetResNet18.ReadStateDict(ImageNetResNet18.ModelPath);
        StateDictImporter.Load(full, state);
        StateDictImporter.Load(cut, state.Where(p => !p.Key.StartsWith("layer4.", StringComparison.Ordinal)).ToDictionary());
        cut.eval();
        full.eval();
        var picture = Picture() / 255;
        using (no_grad())
        {
            var cutStages = cut.call(picture);
            var fullStages = full.call(picture);
            Assert.Equal(3, cutStages.Length);
            for (var i = 0; i < 3; i++) Assert.Equal(0f, MaxAbsDifference(fullStages[i], cutStages[i]));
        }

        model.eval();
        var graph = MaskRcnnOnnxExporter.Export(model, "test");
        var image = Picture()[0] / 255;
        var expected = model.Detect([image])[0];
        var actual = RunOnnx(graph, (MaskRcnnOnnxExporter.ImageInput, image));
        Assert.Equal(expected.Boxes.shape[0], actual[MaskRcnnOnnxExporter.BoxesOutput].shape[0]);
        Assert.True(MaxAbsDifference(expected.Boxes, actual[MaskRcnnOnnxExporter.BoxesOutput]) < 1e-2);
    }
}
