using CloudSeg.Inference;

namespace CloudSeg.Functions.Models;

/// <summary>The right to use one model for one image. Dispose when the image is done.</summary>
public sealed class ModelLease : IDisposable
{
    private LoadedModel? _model;

    internal ModelLease(LoadedModel model) => _model = model;

    public ISegmenter Segmenter => (_model ?? throw new ObjectDisposedException(nameof(ModelLease))).Segmenter;

    public string Version => (_model ?? throw new ObjectDisposedException(nameof(ModelLease))).Version;

    public void Dispose() => Interlocked.Exchange(ref _model, null)?.RemoveUser();
}
