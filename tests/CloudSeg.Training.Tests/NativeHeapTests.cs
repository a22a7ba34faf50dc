using CloudSeg.Training.Engine;

namespace CloudSeg.Training.Tests;

public sealed class NativeHeapTests
{
    [Fact]
    public void Glibc_accepts_keeping_freed_memory_for_reuse()
    {
        // Every supported training host (the Debian images, this machine) runs glibc, whose mallopt takes both settings.
        Assert.True(OperatingSystem.IsLinux());
        Assert.True(NativeHeap.KeepFreedMemory());
    }
}
