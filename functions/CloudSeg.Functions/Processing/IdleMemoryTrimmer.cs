using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Processing;

/// <summary>
/// Gives memory back once the work stops: after <see cref="FunctionsOptions.IdleTrimAfter"/> with no image in flight,
/// following at least one finished image, one aggressive, compacting collection (large object heap included) returns
/// the pages a burst of large pictures left behind, and on glibc <c>malloc_trim</c> returns what native code (Skia,
/// ONNX Runtime) freed but the C heap kept, so an idle host shrinks back near where it started.
/// </summary>
internal sealed partial class IdleMemoryTrimmer(SegmentImage segmentImage, IOptions<FunctionsOptions> options, TimeProvider time,
    ILogger<IdleMemoryTrimmer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idleAfter = options.Value.IdleTrimAfter;
        if (idleAfter <= TimeSpan.Zero) return;
        var trimmedAt = 0L;
        var lastFinished = 0L;
        var quietSince = time.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var (inFlight, finished) = segmentImage.Activity;
            if (inFlight > 0 || finished != lastFinished)
            {
                lastFinished = finished;
                quietSince = time.GetTimestamp();
                continue;
            }
            if (finished == trimmedAt || time.GetElapsedTime(quietSince) < idleAfter) continue;
            trimmedAt = finished;
            var before = GC.GetTotalMemory(forceFullCollection: false);
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            TrimNativeHeap();
            LogTrimmed(before / (1024 * 1024), GC.GetTotalMemory(forceFullCollection: false) / (1024 * 1024));
        }
    }

    private static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            MallocTrim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (e.g. musl): nothing to trim this way.
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Idle: compacted the managed heap from {BeforeMb} MB to {AfterMb} MB")]
    private partial void LogTrimmed(long beforeMb, long afterMb);
}
