using CloudSeg.Onnx;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace CloudSeg.Training.Tests;

/// <summary>Runs exported graphs in ONNX Runtime with TorchSharp tensors in and out, for side-by-side checks.</summary>
internal static class ExportTestSupport
{
    /// <summary>Runs the model on float32/int64 inputs; returns every graph output as a CPU TorchSharp tensor.</summary>
    public static Dictionary<string, Tensor> RunOnnx(ModelProto model, params (string Name, Tensor Value)[] inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model.ToByteArray(), options);
        var feeds = inputs.Select(input => input.Value.dtype == ScalarType.Int64
            ? NamedOnnxValue.CreateFromTensor(input.Name, new DenseTensor<long>(Values<long>(input.Value), Dims(input.Value)))
            : NamedOnnxValue.CreateFromTensor(input.Name, new DenseTensor<float>(Values<float>(input.Value.to_type(ScalarType.Float32)), Dims(input.Value))))
            .ToList();
        using var results = session.Run(feeds);
        return results.ToDictionary(r => r.Name, r => r.Value switch
        {
            DenseTensor<float> t => tensor(t.ToArray(), t.Dimensions.ToArray().Select(d => (long)d).ToArray()),
            DenseTensor<long> t => tensor(t.ToArray(), t.Dimensions.ToArray().Select(d => (long)d).ToArray()),
            var other => throw new NotSupportedException($"output {r.Name} has type {other?.GetType()}"),
        });
    }

    /// <summary>Largest absolute difference; fails with both shapes when they differ.</summary>
    public static float MaxAbsDifference(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        if (expected.numel() == 0) return 0;
        using var difference = (expected.to_type(ScalarType.Float32) - actual.to_type(ScalarType.Float32)).abs().max();
        return difference.item<float>();
    }

    /// <summary>
    /// Asserts two detection lists hold the same detections: same count, and every expected detection has its own
    /// actual one with the same label whose box, score, mask (and mask IoU) agree within <paramref name="tolerance"/>.
    /// Matched by content, not position: two detections whose scores differ by float rounding (1e-8) may come out in
    /// either order from two correct implementations.
    /// </summary>
    /// <param name="expected">boxes [N, 4], labels [N], scores [N], masks [N, 1, 28, 28], mask_iou [N] or null.</param>
    public static void AssertSameDetections(string context, (Tensor Boxes, Tensor Labels, Tensor Scores, Tensor Masks, Tensor? MaskIou) expected,
        Dictionary<string, Tensor> actual, float tolerance)
    {
        var count = expected.Boxes.shape[0];
        Assert.True(count == actual["boxes"].shape[0], $"{context}: {count} detections expected, {actual["boxes"].shape[0]} found");
        var actualScores = Values<float>(actual["scores"]);
        Assert.True(actualScores.Zip(actualScores.Skip(1)).All(p => p.First >= p.Second), $"{context}: scores not in decreasing order");
        var expectedBoxes = Values<float>(expected.Boxes);
        var expectedLabels = Values<long>(expected.Labels);
        var expectedScores = Values<float>(expected.Scores);
        Assert.Equal(expected.Masks.shape, actual["masks"].shape);
        var expectedMasks = expected.Masks.flatten(1);
        var expectedMaskIou = expected.MaskIou is null ? null : Values<float>(expected.MaskIou);
        var actualBoxes = Values<float>(actual["boxes"]);
        var actualLabels = Values<long>(actual["labels"]);
        var actualMasks = actual["masks"].flatten(1);
        var actualMaskIou = expected.MaskIou is null ? null : Values<float>(actual["mask_iou"]);
        var used = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var match = Enumerable.Range(0, (int)count).FirstOrDefault(j => !used[j] && actualLabels[j] == expectedLabels[i]
                && Enumerable.Range(0, 4).All(k => MathF.Abs(actualBoxes[4 * j + k] - expectedBoxes[4 * i + k]) < tolerance), -1);
            Assert.True(match >= 0, $"{context}: detection {i} (label {expectedLabels[i]}, score {expectedScores[i]}, box {string.Join(",", expectedBoxes.Skip(4 * i).Take(4))}) has no counterpart");
            used[match] = true;
            Assert.True(MathF.Abs(actualScores[match] - expectedScores[i]) < tolerance, $"{context}: detection {i}: score {expectedScores[i]} vs {actualScores[match]}");
            Assert.True(MaxAbsDifference(expectedMasks[i], actualMasks[match]) < tolerance, $"{context}: detection {i}: masks differ");
            if (expectedMaskIou is not null)
                Assert.True(MathF.Abs(actualMaskIou![match] - expectedMaskIou[i]) < tolerance, $"{context}: detection {i}: mask IoU {expectedMaskIou[i]} vs {actualMaskIou[match]}");
        }
    }

    /// <summary>The tensor's elements, row-major (TorchSharp's accessor throws on empty tensors).</summary>
    public static T[] Values<T>(Tensor t) where T : unmanaged => t.numel() == 0 ? [] : t.contiguous().data<T>().ToArray();

    private static int[] Dims(Tensor t) => t.shape.Select(d => (int)d).ToArray();
}

/// <summary>
/// Export and import tests that seed or draw from TorchSharp's process-wide random generator (manual_seed, randn,
/// building a model) run in this collection: alone, after the parallel tests, so they never shift the random stream
/// under another test that relies on it (e.g. the trainer's exact-resume test), nor the other way round.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchSharpRandomCollection
{
    public const string Name = "TorchSharp random generator";
}
