using System.Diagnostics;
using CloudSeg.Core.Imaging;
using CloudSeg.Onnx;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CloudSeg.Inference;

/// <summary>
/// The reference the segmenter is measured against: ONNX Runtime's bare <c>Run</c> of the model's original graph
/// (no surgery, all its outputs, full-size masks included), on an input tensor prepared once, with the same session
/// options as the segmenter.
/// </summary>
public static class BareRunBenchmark
{
    public static IReadOnlyList<TimeSpan> Measure(string modelPath, SegmenterOptions options, RgbImage image, int warmupRuns, int runs)
    {
        var package = ModelPackage.Locate(modelPath);
        var card = package.ReadCard();
        var model = OnnxModelFile.Read(package.OnnxPath);
        var signature = GraphSignature.Of(model.Graph);
        var roles = OutputRoles.Resolve(signature);
        var format = options.Format
                     ?? (card.Format is { } cardFormat ? ModelFormats.Parse(cardFormat) : FormatDetection.Detect(model, roles, MaskPasteCut.Analyse(model.Graph, roles.Masks)));
        var recipe = InputRecipe.For(format, card.Input);
        var geometry = InputGeometry.Plan(image.Width, image.Height, recipe, options.MaxInputSide, options.MaxAspectRatio);

        var (session, _) = SessionFactory.Create(model.ToByteArray(), options, NullLogger.Instance);
        using (session)
        {
            using var input = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float,
                [3, geometry.TensorHeight, geometry.TensorWidth]);
            InputTensorWriter.Write(image, geometry, recipe, input.GetTensorMutableDataAsSpan<float>());
            var outputNames = signature.Outputs.Select(o => o.Name).ToArray();
            using var runOptions = new RunOptions();
            var times = new List<TimeSpan>(runs);
            for (var i = 0; i < warmupRuns + runs; i++)
            {
                var clock = Stopwatch.StartNew();
                using (session.Run(runOptions, [signature.Inputs[0].Name], [input], outputNames))
                {
                    clock.Stop();
                }
                if (i >= warmupRuns) times.Add(clock.Elapsed);
            }
            return times;
        }
    }
}
