using CloudSeg.Inference;

namespace CloudSeg.Functions.Models;

/// <summary>
/// A loaded segmenter plus the count of images using it. When a newer model replaces it, it is retired and disposed
/// only once the last in-flight image has released it, so a hot swap never pulls a session from under running work.
/// </summary>
internal sealed class LoadedModel(ISegmenter segmenter, string version, string source)
{
    private readonly Lock _gate = new();
    private int _users;
    private bool _retired;

    public ISegmenter Segmenter { get; } = segmenter;

    /// <summary>The registry version (or the bundled model's card version); the idempotency key with the blob ETag.</summary>
    public string Version { get; } = version;

    /// <summary>Where it was loaded from, for logs: "registry" or the bundled folder.</summary>
    public string Source { get; } = source;

    public bool TryAddUser()
    {
        lock (_gate)
        {
            if (_retired) return false;
            _users++;
            return true;
        }
    }

    public void RemoveUser()
    {
        bool dispose;
        lock (_gate)
        {
            _users--;
            dispose = _retired && _users == 0;
        }
        if (dispose) Segmenter.Dispose();
    }

    /// <summary>Marks the model replaced; disposes it now if idle, else when its last user leaves.</summary>
    public void Retire()
    {
        bool dispose;
        lock (_gate)
        {
            _retired = true;
            dispose = _users == 0;
        }
        if (dispose) Segmenter.Dispose();
    }
}
