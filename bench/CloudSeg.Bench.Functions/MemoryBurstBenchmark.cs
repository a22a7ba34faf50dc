using System.Diagnostics;
using System.Globalization;
using CloudSeg.Functions.LocalRunner;
using CloudSeg.LocalEnvironment;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Bench.Functions;

/// <summary>
/// Issue 11's memory benchmark: a steady stream of normal uploads (the sample images) into the local runner, with
/// <c>--bombs</c> PNGs that are tiny on disk but decode to 6320×6320 (just under the 40 MP limit) uploaded all at once
/// in the middle of it. Prints the host's resident memory when idle before the burst, its peak, its resident memory
/// once idle again, and the normal images' upload-to-result latency.
/// </summary>
internal sealed class MemoryBurstBenchmark(BenchOptions options, string repoRoot)
{
    private const int BombSide = 6320;
    private static readonly TimeSpan IdleSettle = TimeSpan.FromSeconds(15);

    public async Task<int> RunAsync(CancellationToken ct)
    {
        await using var stack = await BenchStack.StartAsync(repoRoot, "memory", ct);
        var (work, storage) = (stack.Work, stack.Storage);
        var settings = stack.RunnerSettings(options.IntraOpThreads);
        var samples = Directory.GetFiles(options.ImagesDirectory, "*.jpg").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var bomb = BombPng(BombSide);
        Console.WriteLine($"Memory benchmark: {options.Bombs} PNGs of {bomb.Length:N0} bytes decoding to {BombSide}x{BombSide}, " +
                          $"amid {options.Normal} normal uploads; host defaults otherwise; logs in {work}");

        await using var runner = LocalRunnerProcess.Start(settings, Path.Combine(work, "runner.log"));
        await runner.WaitHealthyAsync(TimeSpan.FromMinutes(2), ct);

        // Warm up (model loaded, first images through, thread pools grown) so "idle before" is a working host at rest.
        await UploadAndWaitAsync(stack, Enumerable.Range(0, 12).Select(i => ($"warm/{i:D3}.jpg", samples[i % samples.Count])).ToList(), ct);
        var idleBefore = await SettledResidentBytesAsync(runner, ct);

        var clock = Stopwatch.StartNew();
        var normal = Enumerable.Range(0, options.Normal).Select(i => ($"normal/{i:D4}.jpg", samples[i % samples.Count])).ToList();
        var stream = Task.Run(async () =>
        {
            // Normal uploads at a steady pace (20/s), the bombs landing a quarter of the way in.
            for (var i = 0; i < normal.Count; i++)
            {
                await storage.UploadImageAsync(normal[i].Item1, new MemoryStream(normal[i].Item2), ct: ct);
                if (i == normal.Count / 4)
                    await Task.WhenAll(Enumerable.Range(0, options.Bombs).Select(b =>
                        storage.UploadImageAsync($"bomb/{b:D2}.png", new MemoryStream(bomb), ct: ct)));
                await Task.Delay(50, ct);
            }
        }, ct);
        long peak = 0;
        while (!stream.IsCompleted || !await AllFinishedAsync(stack, options.Normal + options.Bombs, ct))
        {
            peak = Math.Max(peak, runner.PeakResidentBytes() ?? 0);
            await Task.Delay(200, ct);
        }
        await stream;
        var burst = clock.Elapsed;
        peak = Math.Max(peak, runner.PeakResidentBytes() ?? 0);
        var idleAfter = await SettledResidentBytesAsync(runner, ct);

        var latencies = new List<double>();
        var bombs = new List<ImageIndexEntity>();
        await foreach (var row in storage.QueryImagesAsync(new ImageQuery(), ct: ct))
        {
            if (row.BlobName.StartsWith("normal/", StringComparison.Ordinal) && row is { QueuedAt: { } q, ProcessedAt: { } p })
                latencies.Add((p - q).TotalMilliseconds);
            if (row.BlobName.StartsWith("bomb/", StringComparison.Ordinal)) bombs.Add(row);
        }
        latencies.Sort();
        static string Mb(long bytes) => $"{bytes / (1024.0 * 1024.0):0} MB";
        var rows = new (string What, string Measured, string Goal)[]
        {
            ("normal images / bombs", $"{latencies.Count} / {bombs.Count} ({bombs.Count(b => b.Status == ImageStatus.Succeeded)} bombs succeeded)", $"{options.Normal} / {options.Bombs}"),
            ("idle RSS before the burst", Mb(idleBefore), "-"),
            ("peak RSS (VmHWM)", Mb(peak), "<= 1024 MB"),
            ($"idle RSS {IdleSettle.TotalSeconds:0} s after the burst", $"{Mb(idleAfter)} ({(double)idleAfter / idleBefore:0.00}x)", "<= 1.2x before"),
            ("normal images: median / p90 upload-to-result ms",
                $"{latencies[latencies.Count / 2]:0} / {latencies[latencies.Count * 9 / 10]:0}", "median <= 2000"),
            ("wall time of the stream", burst.ToString(@"m\:ss", CultureInfo.InvariantCulture), "-"),
        };
        var width = rows.Max(r => r.What.Length);
        Console.WriteLine();
        Console.WriteLine($"{"measure".PadRight(width)} | measured | goal");
        foreach (var (what, measured, goal) in rows) Console.WriteLine($"{what.PadRight(width)} | {measured} | {goal}");
        return latencies.Count == options.Normal ? 0 : 1;
    }

    private static async Task UploadAndWaitAsync(BenchStack stack, IReadOnlyList<(string Name, byte[] Bytes)> images, CancellationToken ct)
    {
        foreach (var (name, bytes) in images) await stack.Storage.UploadImageAsync(name, new MemoryStream(bytes), ct: ct);
        await Poll.UntilAsync(() => AllFinishedAsync(stack, images.Count, ct), "the warm-up images", TimeSpan.FromMinutes(2), ct);
    }

    private static async Task<bool> AllFinishedAsync(BenchStack stack, int expected, CancellationToken ct) =>
        // Warm-up rows are counted too once they exist; callers compare against what they are waiting for.
        await stack.CountFinishedAsync("", ct) >= expected && await stack.Storage.GetQueueDepthAsync(ct) == 0;

    // Resident memory after the host has had IdleSettle with nothing to do.
    private static async Task<long> SettledResidentBytesAsync(LocalRunnerProcess runner, CancellationToken ct)
    {
        await Task.Delay(IdleSettle, ct);
        return runner.ResidentBytes() ?? 0;
    }

    /// <summary>An RGB PNG of <paramref name="side"/>² black pixels: deflate shrinks its 120 MB of rows to well under 1 MB.</summary>
    private static byte[] BombPng(int side) => HandMadePng.Png(side, side, colourType: 2, bitDepth: 8, new byte[(1 + side * 3) * side]);
}
