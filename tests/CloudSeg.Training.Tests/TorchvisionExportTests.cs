using System.Text.Json;
using CloudSeg.Training.Export;
using CloudSeg.Training.Import;
using static TorchSharp.torch;
using static CloudSeg.Training.Tests.ExportTestSupport;

namespace CloudSeg.Training.Tests;

/// <summary>
/// The exporter, fed the state dict of a tiny torchvision Mask R-CNN (tests/fixtures/export/make_tiny_maskrcnn_fixture.py),
/// produces a graph whose ONNX Runtime outputs equal torchvision's own detections on images of several sizes.
/// </summary>
public sealed class TorchvisionExportTests
{
    [Theory]
    [InlineData("tiny-maskrcnn-basic")]
    [InlineData("tiny-maskrcnn-bottleneck")]
    public void Exported_graph_reproduces_torchvision_detections(string stem)
    {
        var weightsFile = SafeTensorsFile.Open(Fixture($"{stem}.safetensors"));
        var stateDict = weightsFile.ReadAll();
        var config = InferenceGraphConfig.FromJson(weightsFile.Metadata["config"]);
        var reference = SafeTensorsFile.Open(Fixture($"{stem}.reference.safetensors")).ReadAll();
        var model = MaskRcnnOnnxExporter.Export(stateDict, config, "test");

        for (var i = 0; reference.ContainsKey($"image.{i}"); i++)
        {
            var outputs = RunOnnx(model, (MaskRcnnOnnxExporter.ImageInput, reference[$"image.{i}"]));
            AssertSameDetections($"image {i}", (reference[$"boxes.{i}"], reference[$"labels.{i}"], reference[$"scores.{i}"], reference[$"masks.{i}"], null), outputs, 1e-3f);
        }
    }

    [Fact]
    public void An_image_without_detections_yields_empty_outputs_of_the_right_rank()
    {
        var weightsFile = SafeTensorsFile.Open(Fixture("tiny-maskrcnn-basic.safetensors"));
        var config = InferenceGraphConfig.FromJson(weightsFile.Metadata["config"]) with { BoxScoreThreshold = 0.9999f };
        var reference = SafeTensorsFile.Open(Fixture("tiny-maskrcnn-basic.reference.safetensors")).ReadAll();
        var model = MaskRcnnOnnxExporter.Export(weightsFile.ReadAll(), config, "test");

        var outputs = RunOnnx(model, (MaskRcnnOnnxExporter.ImageInput, reference["image.0"]));

        Assert.Equal(new long[] { 0, 4 }, outputs[MaskRcnnOnnxExporter.BoxesOutput].shape);
        Assert.Equal(new long[] { 0 }, outputs[MaskRcnnOnnxExporter.LabelsOutput].shape);
        Assert.Equal(new long[] { 0 }, outputs[MaskRcnnOnnxExporter.ScoresOutput].shape);
        Assert.Equal(new long[] { 0, 1, 28, 28 }, outputs[MaskRcnnOnnxExporter.MasksOutput].shape);
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "export", name);
}
