using CloudSeg.Training.Detection;
using CloudSeg.Training.Export;
using static TorchSharp.torch;
using static CloudSeg.Training.Tests.ExportTestSupport;

namespace CloudSeg.Training.Tests;

/// <summary>
/// The proof that export is faithful: ONNX Runtime's outputs on the exported graph equal our TorchSharp model's
/// <c>Detect</c> (boxes, scores, masks and mask IoU to 1e-3) for a small randomly initialised model, on several image sizes,
/// including one that yields no detections.
/// </summary>
[Collection(TorchSharpRandomCollection.Name)]
public sealed class MaskRcnnExportTests
{
    internal static MaskRcnnOptions TinyOptions() => MaskRcnnOptions.Small(numClasses: 4, imageSize: 96) with
    {
        MaxSize = 128,
        BackboneWidth = 8,
        FpnChannels = 16,
        RoIHeads = MaskRcnnOptions.Small(4).RoIHeads with
        {
            RepresentationSize = 32, MaskLayerChannels = 16, MaskDimReduced = 16, MaskIouConvChannels = 16, MaskIouFcChannels = 32,
        },
    };

    [Theory]
    [InlineData(80, 64)]
    [InlineData(61, 97)]
    [InlineData(50, 50)]
    [InlineData(130, 170)]
    [InlineData(128, 96)]   // already at the target size: no resize
    [InlineData(20, 300)]   // elongated
    public void Onnx_runtime_reproduces_the_torchsharp_forward(int height, int width)
    {
        using var model = RandomModel(TinyOptions(), seed: 21);
        using var image = SmoothImage(height, width, seed: height * 1000 + width);

        var expected = model.Detect([image])[0];
        var actual = RunOnnx(MaskRcnnOnnxExporter.Export(model, "test"), (MaskRcnnOnnxExporter.ImageInput, image));

        Assert.InRange(expected.Boxes.shape[0], 5, 100);   // a comparison of nothing would prove nothing
        AssertSame(expected, actual);
    }

    [Fact]
    public void An_image_without_detections_gives_empty_outputs_in_both()
    {
        var options = TinyOptions() with { RoIHeads = TinyOptions().RoIHeads with { ScoreThreshold = 0.9999 } };
        using var model = RandomModel(options, seed: 21);
        using var image = SmoothImage(80, 64, seed: 5);

        var expected = model.Detect([image])[0];
        var actual = RunOnnx(MaskRcnnOnnxExporter.Export(model, "test"), (MaskRcnnOnnxExporter.ImageInput, image));

        Assert.Equal(0, expected.Boxes.shape[0]);
        AssertSame(expected, actual);
        Assert.Equal(new long[] { 0, 1, 28, 28 }, actual[MaskRcnnOnnxExporter.MasksOutput].shape);
    }

    private static void AssertSame(Detections expected, Dictionary<string, Tensor> actual) =>
        AssertSameDetections("ONNX vs TorchSharp", (expected.Boxes, expected.Labels, expected.Scores, expected.Masks, expected.MaskIou), actual, 1e-3f);

    /// <summary>
    /// A model in eval mode with every weight and batch-norm statistic redrawn with a wide spread: the training init
    /// (e.g. RPN logits ≈ 0 everywhere) would make rankings hinge on float rounding, which no comparison can survive.
    /// </summary>
    internal static MaskRcnn RandomModel(MaskRcnnOptions options, int seed)
    {
        manual_seed(seed);
        var model = new MaskRcnn(options);
        model.eval();
        using var noGrad = no_grad();
        foreach (var (name, tensor) in model.state_dict())
        {
            if (!tensor.is_floating_point()) continue;   // num_batches_tracked
            if (name.EndsWith("running_var")) tensor.uniform_(0.5, 2.0);
            else if (name.EndsWith("running_mean") || name.EndsWith("bias")) tensor.normal_(0, 0.1);
            else if (tensor.dim() == 1) tensor.uniform_(0.5, 1.5);
            else tensor.normal_(0, 1.0 / Math.Sqrt(name.EndsWith("conv5_mask.weight") ? tensor.shape[0] : tensor[0].numel()));
        }
        return model;
    }

    /// <summary>A smooth random RGB image [3, H, W] in [0, 1] (bilinear upsampling of coarse noise).</summary>
    internal static Tensor SmoothImage(int height, int width, int seed)
    {
        manual_seed(seed);
        using var coarse = rand(1, 3, Math.Max(2, height / 8), Math.Max(2, width / 8));
        return nn.functional.interpolate(coarse, size: [height, width], mode: InterpolationMode.Bilinear, align_corners: false)[0].clamp(0, 1);
    }
}
