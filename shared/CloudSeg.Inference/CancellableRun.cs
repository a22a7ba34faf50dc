using Microsoft.ML.OnnxRuntime;

namespace CloudSeg.Inference;

/// <summary>One ONNX Runtime Run that stops when the caller cancels; every segmenter runs its graph through here.</summary>
/// <remarks>
/// The CPU arena is deliberately not shrunk after each run (<c>memory.enable_memory_arena_shrinkage</c>): with several
/// images in flight, every run's end gave back chunks the concurrent runs needed again at once, so the arena was freed
/// and regrown all the time — the functions' load benchmark doubled its model time and peak memory (336 → 678 MB,
/// docs/benchmarks.md, issue 16). The arena's size is bounded without it: pictures are decoded no larger than the
/// model's working size (or the overlay's), so no upload makes a run larger than the model's own largest input.
/// </remarks>
internal static class CancellableRun
{
    public static IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, string inputName, OrtValue input,
        IReadOnlyCollection<string> outputNames, CancellationToken ct)
    {
        using var runOptions = new RunOptions();
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
