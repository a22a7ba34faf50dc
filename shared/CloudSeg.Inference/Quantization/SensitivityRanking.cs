using CloudSeg.Onnx;
using CloudSeg.Onnx.Quantization;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace CloudSeg.Inference.Quantization;

/// <summary>
/// Orders the quantized nodes by the error each adds itself: the float and the quantized graph run side by side with
/// every planned activation exposed, and a node's share is the relative squared error of its output minus that of its
/// input (what it inherited). The quantizer leaves the worst nodes float first.
/// </summary>
internal static class SensitivityRanking
{
    public static IReadOnlyList<(string Node, double Error)> Rank(ModelProto floatModel, ModelProto quantizedModel, QdqPlan plan,
        InputRecipe recipe, IReadOnlyList<string> images, SegmenterOptions options, ILogger logger, CancellationToken ct)
    {
        var inputName = CalibrationOutputs.SingleInput(floatModel.Graph);
        var tensors = plan.Activations.Where(t => t != inputName).ToArray();
        var noise = new double[tensors.Length];
        var signal = new double[tensors.Length];
        var (floatSession, _) = SessionFactory.Create(CalibrationOutputs.Expose(floatModel, tensors).ToByteArray(), options, logger);
        var (quantizedSession, _) = SessionFactory.Create(CalibrationOutputs.Expose(quantizedModel, tensors).ToByteArray(), options, logger);
        using (floatSession)
        using (quantizedSession)
        using (var runOptions = new RunOptions())
        {
            foreach (var path in images)
            {
                ct.ThrowIfCancellationRequested();
                using var input = CalibrationInput.Create(path, recipe, options);
                using var expected = floatSession.Run(runOptions, [inputName], [input], tensors);
                using var actual = quantizedSession.Run(runOptions, [inputName], [input], tensors);
                for (var i = 0; i < tensors.Length; i++)
                {
                    var f = expected[i].GetTensorDataAsSpan<float>();
                    var q = actual[i].GetTensorDataAsSpan<float>();
                    for (var k = 0; k < f.Length && k < q.Length; k++)
                    {
                        double d = q[k] - f[k];
                        noise[i] += d * d;
                        signal[i] += (double)f[k] * f[k];
                    }
                }
            }
        }

        var relative = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < tensors.Length; i++) relative[tensors[i]] = noise[i] / Math.Max(signal[i], 1e-30);
        var nodes = quantizedModel.Graph.Node.ToDictionary(n => n.Name, StringComparer.Ordinal);
        return plan.Nodes
            .Select(n =>
            {
                var inherited = nodes[n.Name].Input.Select(i => QdqRewriter.SourceOf(i)).Select(t => relative.GetValueOrDefault(t)).DefaultIfEmpty().Max();
                return (n.Name, relative.GetValueOrDefault(n.Output) - inherited);
            })
            .OrderByDescending(n => n.Item2)
            .ToList();
    }
}
