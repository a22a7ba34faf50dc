using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace CloudSeg.Inference;

/// <summary>Builds the ONNX Runtime session: CUDA when its provider can be appended, else CPU, tuned for one model
/// serving many calls.</summary>
internal static class SessionFactory
{
    /// <summary>A graph served as stored: ONNX Runtime reads the file itself, so a graph parsed only to be inspected is
    /// never serialised again.</summary>
    public static (InferenceSession Session, string Provider) Create(string modelPath, SegmenterOptions options, ILogger logger) =>
        Create(sessionOptions => new InferenceSession(modelPath, sessionOptions), options, logger);

    /// <summary>A graph edited in memory (e.g. <see cref="MaskPasteCut"/>), serialised by the caller.</summary>
    public static (InferenceSession Session, string Provider) Create(byte[] model, SegmenterOptions options, ILogger logger) =>
        Create(sessionOptions => new InferenceSession(model, sessionOptions), options, logger);

    private static (InferenceSession Session, string Provider) Create(Func<SessionOptions, InferenceSession> open, SegmenterOptions options, ILogger logger)
    {
        if (options.PreferCuda)
        {
            var cudaOptions = CreateOptions(options);
            try
            {
                cudaOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
                return (open(cudaOptions), "CUDA");
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
        return (open(cpuOptions), "CPU");
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
