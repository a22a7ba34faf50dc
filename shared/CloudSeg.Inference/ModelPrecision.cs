using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace CloudSeg.Inference;

/// <summary>Which of a package's graphs the segmenter runs.</summary>
public enum ModelPrecision
{
    /// <summary>The int8 graph on CPU hosts when the package has one (int8 is where CPUs gain: VNNI dot products);
    /// the float graph on CUDA hosts (their int8 path is not faster than fp32/TF32 for these graphs) and for packages
    /// without an int8 graph.</summary>
    Auto,
    Float32,
    Int8,
}

internal static class GraphChoice
{
    /// <summary>The graph file to load for <paramref name="options"/>'s precision.</summary>
    public static (string Path, ModelPrecision Precision) Choose(ModelPackage package, SegmenterOptions options, ILogger logger)
    {
        switch (options.Precision)
        {
            case ModelPrecision.Float32:
                return (package.OnnxPath, ModelPrecision.Float32);
            case ModelPrecision.Int8:
                return (package.Int8OnnxPath ?? throw new FileNotFoundException(
                    $"Precision int8 was asked for, but the model {package.OnnxPath} has no int8 graph ({ModelPackage.Int8OnnxFileName}; make one with `cloudseg quantize`)."),
                    ModelPrecision.Int8);
            default:
                if (package.Int8OnnxPath is not { } int8) return (package.OnnxPath, ModelPrecision.Float32);
                if (options.PreferCuda && OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
                {
                    logger.LogInformation("CUDA is available: using the float graph of {Model} rather than its int8 graph", package.OnnxPath);
                    return (package.OnnxPath, ModelPrecision.Float32);
                }
                return (int8, ModelPrecision.Int8);
        }
    }
}
