namespace CloudSeg.Inference.Tests;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("cloudseg-test-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
