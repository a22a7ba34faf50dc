using CloudSeg.Inference;
using CloudSeg.Training.Export;
using CloudSeg.Training.Yolact;
using CloudSeg.Core.Imaging;
using static TorchSharp.torch;

namespace CloudSeg.Training.Tests;

/// <summary>The exported YOLACT graph against the TorchSharp model it came from, on the same picture.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class YolactExportTests
{
    [Fact]
    public void Onnx_runtime_outputs_equal_the_torchsharp_candidates_on_a_non_square_picture()
    {
        manual_seed(7);
        // Small heads whose output channels (12, 12, 24) are no multiples of 16, on a learnt batch norm.
        using var model = new YolactModel(YolactOptions.Small(numClasses: 4, imageSize: 96) with { PrototypeCount = 8, HeadChannels = 32 });
        model.train();
        // A few training-mode passes so the batch norm's running statistics are not the identity the fold would hide.
        using (no_grad())
            for (var i = 0; i < 3; i++) model.ComputeLosses([SyntheticScenes.Make(10 + i).Image], [SyntheticScenes.Make(10 + i).Target]);
        model.eval();
        var (image, _) = SyntheticScenes.Make(21, height: 120, width: 160);

        var expected = model.Candidates([image])[0];
        var onnx = ExportTestSupport.RunOnnx(YolactOnnxExporter.Export(model, "test"), (YolactGraph.ImageInput, image));

        // float32 through ~30 convolutions in two runtimes: boxes in 96-pixel input units, the rest unit-scale.
        Assert.InRange(ExportTestSupport.MaxAbsDifference(expected.Boxes, onnx[YolactGraph.BoxesOutput]), 0, 1e-2f);
        Assert.InRange(ExportTestSupport.MaxAbsDifference(expected.Scores, onnx[YolactGraph.ScoresOutput]), 0, 1e-4f);
        Assert.InRange(ExportTestSupport.MaxAbsDifference(expected.Coefficients, onnx[YolactGraph.CoefficientsOutput]), 0, 1e-4f);
        Assert.InRange(ExportTestSupport.MaxAbsDifference(expected.Prototypes, onnx[YolactGraph.PrototypesOutput]), 0, 1e-4f);
        Assert.Equal(new long[] { 8, 24, 24 }, onnx[YolactGraph.PrototypesOutput].shape);
    }

    [Fact]
    public async Task The_served_package_finds_the_detections_of_the_torchsharp_model()
    {
        manual_seed(8);
        using var model = new YolactModel(YolactOptions.Small(numClasses: 3, imageSize: 96) with { PrototypeCount = 8, HeadChannels = 32, ScoreThreshold = 0.3 });
        model.eval();
        // The picture as bytes, and the model sees exactly those bytes.
        var (scene, _) = SyntheticScenes.Make(22, height: 90, width: 130);
        var bytes = (scene.permute(1, 2, 0) * 255).round().to_type(ScalarType.Byte).contiguous().data<byte>().ToArray();
        var image = tensor(bytes.Select(b => b / 255f).ToArray()).view(90, 130, 3).permute(2, 0, 1).contiguous();
        var directory = Directory.CreateTempSubdirectory("cloudseg-yolact-").FullName;
        try
        {
            ModelPackageExporter.Export(model, new ModelPackageDescription("yolact-test", "1", ["__background__", "a", "b"]), directory);
            var expected = model.Detect([image])[0];
            using var segmenter = SegmenterFactory.Load(directory, new SegmenterOptions { IntraOpThreads = 1 });

            var served = await segmenter.SegmentAsync(new RgbImage(130, 90, bytes), new SegmentRequestOptions { ScoreThreshold = 0.3f });

            Assert.Equal(CloudSeg.ModelCards.ModelArchitecture.Yolact, segmenter.Architecture);
            var count = (int)expected.Boxes.shape[0];
            Assert.InRange(count, 1, 100);
            Assert.Equal(count, served.Instances.Count);
            var boxes = expected.Boxes.data<float>().ToArray();
            var labels = expected.Labels.data<long>().ToArray();
            var masks = expected.Masks.gt(0.5).to_type(ScalarType.Byte).contiguous().data<byte>().ToArray();
            for (var i = 0; i < count; i++)
            {
                // Matched by content: near-equal scores may come out in either order.
                var match = served.Instances.Single(s => s.CategoryId == labels[i] && Math.Abs(s.Box.X1 - boxes[4 * i]) < 0.05 &&
                    Math.Abs(s.Box.Y1 - boxes[4 * i + 1]) < 0.05 && Math.Abs(s.Box.X2 - boxes[4 * i + 2]) < 0.05 && Math.Abs(s.Box.Y2 - boxes[4 * i + 3]) < 0.05);
                var mask = match.Mask.Decode();
                var differing = mask.Where((v, p) => v != masks[i * mask.Length + p]).Count();
                // Bilinear sampling of the prototypes in two implementations: pixels at the 0.5 level may flip.
                Assert.True(differing <= mask.Length / 100, $"detection {i}: {differing} of {mask.Length} mask pixels differ");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
