using CloudSeg.Training.Backbone;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Import;
using static TorchSharp.torch;
using static CloudSeg.Training.Tests.ExportTestSupport;

namespace CloudSeg.Training.Tests;

/// <summary>
/// `--backbone-weights FILE`: a torchvision ResNet classifier's state dict, written by torchvision itself
/// (tests/fixtures/training/make_resnet_backbone_fixture.py, 1/8 width to stay small), loads into our backbone from
/// .pth and .safetensors, and our backbone then pools the features torchvision pooled.
/// </summary>
[Collection(TorchSharpRandomCollection.Name)]
public sealed class BackboneWeightsFileTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "training", name);

    [Theory]
    [InlineData("resnet18-w8.pth")]
    [InlineData("resnet18-w8-legacy.pth")]
    [InlineData("resnet18-w8.safetensors")]
    public void A_torchvision_resnet_file_gives_torchvisions_features(string file)
    {
        using var scope = NewDisposeScope();
        using var weights = BackboneWeights.Open(Fixture(file));
        Assert.Equal((ResNetDepth.ResNet18, 8), (weights.Depth, weights.Width));
        using var body = new ResNet(weights.Depth, NormLayer.FrozenBatchNorm, weights.Width);
        var report = weights.LoadInto(body, prefix: "");
        Assert.Equal(body.state_dict().Count, report.Loaded.Count);
        body.eval();

        var reference = SafeTensorsFile.Open(Fixture("resnet18-w8.reference.safetensors")).ReadAll();
        Tensor pooled;
        using (no_grad())
        {
            var stages = body.call(reference["image"]);
            pooled = stages[^1].mean([0, 2, 3]);
        }
        float difference = MaxAbsDifference(reference["features"], pooled);
        Assert.True(difference <= 1e-5, $"pooled features differ by up to {difference}");
    }

    [Fact]
    public void Training_options_follow_the_file_and_its_normalisation()
    {
        using var weights = BackboneWeights.Open(Fixture("resnet18-w8.safetensors"));
        var options = weights.Apply(MaskRcnnOptions.Small(numClasses: 3, ResNetDepth.ResNet50), trainableLayers: 5);
        Assert.Equal((ResNetDepth.ResNet18, 8, NormLayer.FrozenBatchNorm, 5), (options.Backbone, options.BackboneWidth, options.Norm, options.TrainableBackboneLayers));
        Assert.Equal([0.485, 0.456, 0.406], options.ImageMean);
        using var model = new MaskRcnn(options);
        weights.LoadInto(model);
    }

    [Fact]
    public void A_file_for_another_backbone_is_refused_with_the_names_that_differ()
    {
        using var weights = BackboneWeights.Open(Fixture("resnet18-w8.safetensors"));
        using var wider = new ResNet(ResNetDepth.ResNet18, NormLayer.FrozenBatchNorm, 16);
        var error = Assert.Throws<InvalidDataException>(() => weights.LoadInto(wider, prefix: ""));
        Assert.Contains("of another shape", error.Message);
        Assert.Contains("conv1.weight", error.Message);

        var maskRcnnFile = Path.Combine(AppContext.BaseDirectory, "fixtures", "export", "tiny-maskrcnn-basic.safetensors");
        var notResNet = Assert.Throws<InvalidDataException>(() => BackboneWeights.Open(maskRcnnFile));
        Assert.Contains("backbone.body.conv1.weight", notResNet.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_state_dict_is_refused()
    {
        var truncated = Path.Combine(Path.GetTempPath(), $"truncated-{Guid.NewGuid():N}.pth");
        var bytes = File.ReadAllBytes(Fixture("resnet18-w8-legacy.pth"));
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        try
        {
            var error = Assert.Throws<InvalidDataException>(() => BackboneWeights.Open(truncated));
            Assert.Contains("truncated", error.Message);
        }
        finally
        {
            File.Delete(truncated);
        }
        Assert.Throws<FileNotFoundException>(() => BackboneWeights.Open(Fixture("missing.pth")));
    }
}
