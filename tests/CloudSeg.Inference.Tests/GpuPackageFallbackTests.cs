#if ONNXRUNTIME_GPU
using CloudSeg.Tests;
using Microsoft.ML.OnnxRuntime;

namespace CloudSeg.Inference.Tests;

/// <summary>
/// Built only with <c>-p:OnnxRuntimeGpu=true</c> (test.sh runs it that way): the ONNX Runtime GPU package, the one the
/// functions image ships, on a machine without a CUDA device. The segmenter must fall back to the CPU provider, say so
/// in its log, and still segment.
/// </summary>
public sealed class GpuPackageFallbackTests
{
    [Fact]
    public async Task With_the_GPU_package_and_no_CUDA_device_the_segmenter_runs_on_the_CPU_and_logs_why()
    {
        // The GPU package's native library is the one loaded: it offers the CUDA provider.
        Assert.Contains("CUDAExecutionProvider", OrtEnv.Instance().GetAvailableProviders());
        var log = new RecordingLogger();

        using var segmenter = MaskRcnnSegmenter.Load(RepoPaths.FixtureModel("torchvision-tiny"),
            new SegmenterOptions { PreferCuda = true, IntraOpThreads = 1 }, log);

        Assert.Equal("CPU", segmenter.ExecutionProvider);
        Assert.Contains(log.Messages, m => m.Contains("CUDA execution provider unavailable", StringComparison.Ordinal)
            && m.Contains("using CPU", StringComparison.Ordinal));
        var result = await segmenter.SegmentAsync(FixtureComparison.LoadImage(ExpectedOutputs.Read(RepoPaths.FixtureModel("torchvision-tiny")).Keys.First()),
            new SegmentRequestOptions());
        Assert.NotEmpty(result.Instances);
    }
}
#endif
