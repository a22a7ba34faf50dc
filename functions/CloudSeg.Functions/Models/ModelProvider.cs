using CloudSeg.Inference;
using CloudSeg.ModelCards;
using Microsoft.Extensions.Logging;

namespace CloudSeg.Functions.Models;

/// <summary>
/// Holds the one shared segmenter every image uses and swaps it atomically for a newly promoted version: images that
/// started on the old model finish on it, new images get the new one, and the old session is disposed afterwards.
/// </summary>
public sealed class ModelProvider(ILogger<ModelProvider> logger) : IDisposable
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile LoadedModel? _current;

    /// <summary>Version of the model new images get; null until the first model is loaded.</summary>
    public string? CurrentVersion => _current?.Version;

    public ModelCard? CurrentCard => _current?.Segmenter.Card;

    /// <summary>Completes when the first model is in place (images wait for it instead of failing at start-up).</summary>
    public Task WhenLoaded => _loaded.Task;

    /// <summary>Borrows the current model for one image.</summary>
    public async Task<ModelLease> AcquireAsync(CancellationToken ct)
    {
        await _loaded.Task.WaitAsync(ct).ConfigureAwait(false);
        while (true)
        {
            var model = _current!;
            // A swap can retire the model between the read and the add; then simply take the new one.
            if (model.TryAddUser()) return new ModelLease(model);
        }
    }

    /// <summary>Makes <paramref name="segmenter"/> current and retires the previous model.</summary>
    public void Swap(ISegmenter segmenter, string version, string source)
    {
        var previous = Interlocked.Exchange(ref _current, new LoadedModel(segmenter, version, source));
        logger.LogInformation("Serving model {ModelVersion} ({ModelName}, {ExecutionProvider}) from {ModelSource}; previous {PreviousVersion}",
            version, segmenter.Card.Name, segmenter.ExecutionProvider, source, previous?.Version ?? "none");
        previous?.Retire();
        _loaded.TrySetResult();
    }

    public void Dispose() => Interlocked.Exchange(ref _current, null)?.Retire();
}
