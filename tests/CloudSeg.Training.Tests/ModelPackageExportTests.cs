using CloudSeg.Core.Geometry;
using CloudSeg.Core.Imaging;
using CloudSeg.Core.Masks;
using CloudSeg.Inference;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Export;
using static TorchSharp.torch;
using static CloudSeg.Training.Tests.ExportTestSupport;

namespace CloudSeg.Training.Tests;

/// <summary>
/// The package `cloudseg export` writes is what the inference engine expects: <see cref="MaskRcnnSegmenter"/> loads it
/// as the cloudseg format and finds the same instances (boxes, scores, mask IoU, pasted masks) as the TorchSharp model.
/// </summary>
[Collection(TorchSharpRandomCollection.Name)]
public sealed class ModelPackageExportTests : IDisposable
{
    private static readonly string[] Classes = ["background", "circle", "square", "triangle"];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"cloudseg-export-{Guid.NewGuid():N}");

    [Fact]
    public async Task The_inference_engine_segments_like_the_torchsharp_model()
    {
        using var model = MaskRcnnExportTests.RandomModel(MaskRcnnExportTests.TinyOptions(), seed: 21);
        var description = new ModelPackageDescription("tiny", "1", Classes, DataDigest: "sha256:test", CodeVersion: "abc123",
            TrainedAt: new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero));
        ModelPackageExporter.Export(model, description, _directory);
        var image = RgbFrom(MaskRcnnExportTests.SmoothImage(90, 120, seed: 3));
        using var input = ImageTensor(image);
        var expected = model.Detect([input])[0];

        using var segmenter = MaskRcnnSegmenter.Load(_directory, new SegmenterOptions
        {
            PreferCuda = false, IntraOpThreads = 1, ScoreThreshold = 0f, UseMaskIouRescoring = false,
        });
        var segmentation = await segmenter.SegmentAsync(image);

        Assert.Equal(ModelFormat.CloudSeg, segmenter.Format);
        Assert.Equal(Classes, segmenter.Card.Classes);
        Assert.Equal("abc123", segmenter.Card.Training!.CodeVersion);
        // Trained on aligned RoIAlign targets, so the card tells the engine to paste in that geometry.
        Assert.Equal("aligned", segmenter.Card.MaskPaste);
        var boxes = Values<float>(expected.Boxes);
        var scores = Values<float>(expected.Scores);
        var labels = Values<long>(expected.Labels);
        var maskIou = Values<float>(expected.MaskIou!);
        var masks = Values<float>(expected.Masks);
        Assert.InRange(labels.Length, 5, 100);
        Assert.Equal(labels.Length, segmentation.Instances.Count);
        for (var i = 0; i < labels.Length; i++)
        {
            var instance = segmentation.Instances[i];
            var box = new BoxF(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
            Assert.Equal(Classes[labels[i]], instance.ClassName);
            Assert.InRange(instance.Score, scores[i] - 1e-3f, scores[i] + 1e-3f);
            Assert.InRange(instance.MaskIou!.Value, maskIou[i] - 1e-3f, maskIou[i] + 1e-3f);
            Assert.True(MathF.Abs(instance.Box.X1 - box.X1) < 1e-3f && MathF.Abs(instance.Box.Y2 - box.Y2) < 1e-3f, $"instance {i}: box differs");
            var mask = MaskPaster.Paste(masks.AsSpan(i * 28 * 28, 28 * 28), 28, box, image.Height, image.Width, 0.5f, MaskPasteMode.Aligned);
            Assert.True(mask.Area == 0 ? instance.Mask.Area == 0 : RleMask.IoU(mask, instance.Mask) > 0.99, $"instance {i}: mask differs");
        }
    }

    [Fact]
    public void Class_names_must_match_the_model()
    {
        using var model = new MaskRcnn(MaskRcnnExportTests.TinyOptions());

        var error = Assert.Throws<ArgumentException>(() =>
            ModelPackageExporter.Export(model, new ModelPackageDescription("tiny", "1", ["background", "circle"]), _directory));

        Assert.Contains("4 classes", error.Message);
        Assert.False(File.Exists(Path.Combine(_directory, ModelPackageExporter.OnnxFileName)));
    }

    internal static RgbImage RgbFrom(Tensor chw)
    {
        using var bytes = (chw.permute(1, 2, 0) * 255).round().to_type(ScalarType.Byte).contiguous();
        return new RgbImage((int)chw.shape[2], (int)chw.shape[1], bytes.data<byte>().ToArray());
    }

    private static Tensor ImageTensor(RgbImage image)
    {
        using var hwc = tensor(image.Pixels, [image.Height, image.Width, 3]);
        return (hwc.permute(2, 0, 1).to_type(ScalarType.Float32) / 255f).contiguous();
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
