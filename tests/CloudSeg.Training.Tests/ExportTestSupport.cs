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

    /// <summary>The tensor's elements, row-major (TorchSharp's accessor throws on empty tensors).</summary>
    public static T[] Values<T>(Tensor t) where T : unmanaged => t.numel() == 0 ? [] : t.contiguous().data<T>().ToArray();

    private static int[] Dims(Tensor t) => t.shape.Select(d => (int)d).ToArray();
}
