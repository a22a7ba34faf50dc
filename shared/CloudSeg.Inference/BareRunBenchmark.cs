using System.Diagnostics;
using CloudSeg.Core.Imaging;
using CloudSeg.Onnx;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CloudSeg.Inference;

/// <summary>
/// The reference the segmenter is measured against: ONNX Runtime's bare <c>Run</c> of the model's original graph (of the
/// precision the options choose)
/// (no surgery, all its outputs, full-size masks included) on an input tensor prepared once, with the same session
/// options as the segmenter. Benchmarks interleave <see cref="RunOnce"/> with segmenter passes so machine load
/// drifts affect both alike.
/// </summary>
public sealed class BareRunBenchmark : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtValue _input;
    private readonly string _inputName;
    private readonly string[] _outputNames;
    private readonly RunOptions _runOptions = new();

    public BareRunBenchmark(string modelPath, SegmenterOptions options, RgbImage image)
    {
        var package = ModelPackage.Locate(modelPath);
        var card = package.ReadCard();
        var graphPath = GraphChoice.Choose(package, options, NullLogger.Instance).Path;
        var model = OnnxModelFile.Read(graphPath);
        var signature = GraphSignature.Of(model.Graph);
        var recipe = InputRecipe.ForGraph(model, card, options.Format);
        var geometry = InputGeometry.Plan(image.Width, image.Height, recipe, options.MaxInputSide, options.MaxAspectRatio);

        (_session, _) = SessionFactory.Create(graphPath, options, NullLogger.Instance);
        _input = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float,
            [3, geometry.TensorHeight, geometry.TensorWidth]);
        InputTensorWriter.Write(image, geometry, recipe, _input.GetTensorMutableDataAsSpan<float>());
        _inputName = signature.Inputs[0].Name;
        _outputNames = signature.Outputs.Select(o => o.Name).ToArray();
    }

    /// <summary>One Run, outputs released; returns its wall time.</summary>
    public TimeSpan RunOnce()
    {
        var clock = Stopwatch.StartNew();
        using (_session.Run(_runOptions, [_inputName], [_input], _outputNames))
        {
            return clock.Elapsed;
        }
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _input.Dispose();
        _session.Dispose();
    }
}
