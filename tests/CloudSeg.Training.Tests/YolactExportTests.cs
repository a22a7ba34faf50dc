using CloudSeg.Training.Export;
using CloudSeg.Training.Yolact;
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
        var onnx = ExportTestSupport.RunOnnx(YolactOnnxExporter.Export(model, "test"), (YolactOnnxExporter.ImageInput, image));

        // float32 through ~30 convolutions in two runtimes: boxes in 96-pixel input units, the rest unit-scale.
        Assert.InRange(ExportTestSupport.MaxAbsDifference(expected.Boxes, onnx[YolactOnnxExporter.BoxesOutput]), 0, 1e-2f);
        Assert.InRange(ExportTestSupport.MaxAbsDifference(expected.Scores, onnx[YolactOnnxExporter.ScoresOutput]), 0, 1e-4f);
        Assert.InRange(ExportTestSupport.MaxAbsDifference(expected.Coefficients, onnx[YolactOnnxExporter.CoefficientsOutput]), 0, 1e-4f);
        Assert.InRange(ExportTestSupport.MaxAbsDifference(expected.Prototypes, onnx[YolactOnnxExporter.PrototypesOutput]), 0, 1e-4f);
        Assert.Equal(new long[] { 8, 24, 24 }, onnx[YolactOnnxExporter.PrototypesOutput].shape);
    }
}
