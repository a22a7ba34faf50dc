using Microsoft.ML.OnnxRuntime;

namespace CloudSeg.Inference;

/// <summary>One ONNX Runtime Run that stops when the caller cancels and gives the CPU arena back afterwards; every
/// segmenter runs its graph through here.</summary>
internal static class CancellableRun
{
    public static IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, string inputName, OrtValue input,
        IReadOnlyCollection<string> outputNames, CancellationToken ct)
    {
        using var runOptions = new RunOptions();
        // Give the CPU arena's unused chunks back after each run: one large picture would otherwise leave the arena at
        // its peak size for the life of the process.
        runOptions.AddRunConfigEntry("memory.enable_memory_arena_shrinkage", "cpu:0");
        // Terminate makes a Run in progress stop at the next operator; ONNX Runtime then throws, which we turn into
        // the cancellation the caller asked for.
        using var registration = ct.Register(() => runOptions.Terminate = true);
        try
        {
            return session.Run(runOptions, [inputName], [input], outputNames);
        }
        catch (OnnxRuntimeException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
    }
}
