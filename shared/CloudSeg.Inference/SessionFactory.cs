using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace CloudSeg.Inference;

/// <summary>Builds the ONNX Runtime session: CUDA when its provider can be appended, else CPU, tuned for one model
/// serving many calls.</summary>
internal static class SessionFactory
{
    public static (InferenceSession Session, string Provider) Create(byte[] model, SegmenterOptions options, ILogger logger)
    {
        if (options.PreferCuda)
        {
            var cudaOptions = CreateOptions(options);
            try
            {
                cudaOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
                return (new InferenceSession(model, cudaOptions), "CUDA");
            }
            catch (Exception e)
            {
                // Any failure here (CPU-only ONNX Runtime package, no driver, no device) means: run on the CPU.
                logger.LogInformation("CUDA execution provider unavailable ({Reason}); using CPU", e.Message);
            }
            finally
            {
                cudaOptions.Dispose();
            }
        }

        using var cpuOptions = CreateOptions(options);
        return (new InferenceSession(model, cpuOptions), "CPU");
    }

    private static SessionOptions CreateOptions(SegmenterOptions options)
    {
        var session = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            EnableMemoryPattern = true,
            EnableCpuMemArena = true,
            ExecutionMode = options.ParallelExecution ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Math.Max(0, options.IntraOpThreads),
            InterOpNumThreads = Math.Max(0, options.InterOpThreads),
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (options.ProfilePrefix is { } prefix)
        {
            // The prefix first: enabling reads it.
            session.ProfileOutputPathPrefix = prefix;
            session.EnableProfiling = true;
        }
        session.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        session.AddSessionConfigEntry("session.inter_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        return session;
    }
}
