using CloudSeg.Onnx;
using CloudSeg.Onnx.Quantization;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace CloudSeg.Inference.Quantization;

/// <summary>
/// Measures the ranges of a graph's activation tensors on calibration pictures: the tensors are made graph outputs of a
/// copy of the graph, the pictures are prepared exactly as the segmenter prepares them, and two passes over them
/// collect the extremes and then the histograms.
/// </summary>
internal sealed class RangeCalibrator
{
    private readonly Dictionary<string, ActivationStatistics> _statistics;

    private RangeCalibrator(Dictionary<string, ActivationStatistics> statistics) => _statistics = statistics;

    public IReadOnlyDictionary<string, ActivationRange> Ranges(CalibrationMethod method) =>
        _statistics.ToDictionary(s => s.Key, s => s.Value.Range(method), StringComparer.Ordinal);

    public static RangeCalibrator Run(ModelProto model, IReadOnlyList<string> tensors, InputRecipe recipe, IReadOnlyList<string> images,
        SegmenterOptions options, ILogger logger, CancellationToken ct)
    {
        var inputName = CalibrationOutputs.SingleInput(model.Graph);
        var statistics = tensors.ToDictionary(t => t, _ => new ActivationStatistics(), StringComparer.Ordinal);
        // The graph input, when quantized, is measured from the tensor we feed rather than fetched back.
        var fetched = tensors.Where(t => t != inputName).ToArray();
        var exposed = CalibrationOutputs.Expose(model, fetched);
        var (session, _) = SessionFactory.Create(exposed.ToByteArray(), options, logger);
        using (session)
        using (var runOptions = new RunOptions())
        {
            foreach (var pass in new[] { "extremes", "histograms" })
                foreach (var path in images)
                {
                    ct.ThrowIfCancellationRequested();
                    using var input = CalibrationInput.Create(path, recipe, options);
                    using var results = session.Run(runOptions, [inputName], [input], fetched);
                    for (var i = 0; i <= fetched.Length; i++)
                    {
                        var (name, value) = i < fetched.Length ? (fetched[i], results[i]) : (inputName, input);
                        if (!statistics.TryGetValue(name, out var stats)) continue;
                        var values = value.GetTensorDataAsSpan<float>();
                        if (pass == "extremes") stats.AddExtremes(values);
                        else stats.AddToHistogram(values);
                    }
                }
        }
        return new RangeCalibrator(statistics);
    }
}
