using System.Diagnostics;
using System.Globalization;
using CloudSeg.Functions.LocalRunner;
using CloudSeg.LocalEnvironment;
using CloudSeg.Storage;

namespace CloudSeg.Bench.Functions;

/// <summary>
/// Uploads N images (the sample images, cycled) into a private Azurite while the local runner processes them, kills
/// the runner (SIGKILL) at evenly spaced points of progress and restarts it at once, then checks that every upload
/// ended with exactly one index row and one current result: 0 lost, 0 duplicated.
/// </summary>
internal sealed class LoadFaultBenchmark(BenchOptions options, string repoRoot)
{
    private const string Prefix = "bench/";
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png"];

    public async Task<BenchReport> RunAsync(CancellationToken ct)
    {
        await using var stack = await BenchStack.StartAsync(repoRoot, "functions", ct);
        var (work, storage) = (stack.Work, stack.Storage);
        var settings = stack.RunnerSettings(options.IntraOpThreads);
        settings["Functions:MaxConcurrentImages"] = options.Concurrency.ToString(CultureInfo.InvariantCulture);
        settings["Functions:VisibilityTimeout"] = "00:00:15";
        var images = Directory.GetFiles(options.ImagesDirectory)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileName(f), Bytes: File.ReadAllBytes(f)))
            .ToList();
        if (images.Count == 0) throw new InvalidOperationException($"No images in {options.ImagesDirectory}.");
        Console.WriteLine($"Benchmark: {options.Uploads} uploads of {images.Count} images from {options.ImagesDirectory}, {options.Kills} kills, " +
                          $"{options.Concurrency} images in flight, {options.IntraOpThreads} ONNX thread(s); logs in {work}");

        var runners = 0;
        LocalRunnerProcess StartRunner() => LocalRunnerProcess.Start(settings, Path.Combine(work, $"runner-{++runners}.log"));
        var runner = StartRunner();
        await runner.WaitHealthyAsync(TimeSpan.FromMinutes(2), ct);

        var clock = Stopwatch.StartNew();
        var uploads = Parallel.ForEachAsync(Enumerable.Range(0, options.Uploads),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, token) =>
            {
                var (name, bytes) = images[i % images.Count];
                await storage.UploadImageAsync($"{Prefix}{i:D5}-{name}", new MemoryStream(bytes), ct: token);
            });

        var killAt = new Queue<int>(Enumerable.Range(1, options.Kills).Select(k => options.Uploads * k / (options.Kills + 1)));
        long peakBytes = 0;
        var downtime = TimeSpan.Zero;
        while (true)
        {
            var finished = await stack.CountFinishedAsync(Prefix, ct);
            peakBytes = Math.Max(peakBytes, runner.PeakResidentBytes() ?? 0);
            if (killAt.Count > 0 && finished >= killAt.Peek())
            {
                killAt.Dequeue();
                var down = Stopwatch.StartNew();
                runner.Kill();
                await runner.DisposeAsync();
                Console.WriteLine($"{clock.Elapsed:mm\\:ss} killed the runner at {finished} finished; restarting");
                runner = StartRunner();
                await runner.WaitHealthyAsync(TimeSpan.FromMinutes(2), ct);
                downtime += down.Elapsed;
            }
            if (finished >= options.Uploads && uploads.IsCompleted) break;
            await Task.Delay(500, ct);
        }
        var elapsed = clock.Elapsed;
        await uploads;
        peakBytes = Math.Max(peakBytes, runner.PeakResidentBytes() ?? 0);
        await runner.DisposeAsync();
        return await VerifyAsync(storage, elapsed, downtime, peakBytes, runners, ct);
    }

    private async Task<BenchReport> VerifyAsync(CloudSegStorage storage, TimeSpan elapsed, TimeSpan downtime, long peakBytes, int runners,
        CancellationToken ct)
    {
        var rows = new List<ImageIndexEntity>();
        await foreach (var row in storage.QueryImagesAsync(new ImageQuery { NamePrefix = Prefix }, ct: ct)) rows.Add(row);
        var results = 0;
        var inconsistent = 0;
        foreach (var row in rows.Where(r => r.Status == ImageStatus.Succeeded))
        {
            var result = await storage.ReadResultAsync(row.BlobName, ct);
            if (result is null) continue;
            results++;
            if (result.Source.ETag != row.SourceETag || result.Model.Version != row.ModelVersion) inconsistent++;
        }
        var succeeded = rows.Count(r => r.Status == ImageStatus.Succeeded);
        return new BenchReport(
            Uploads: options.Uploads,
            Kills: runners - 1,
            Succeeded: succeeded,
            Failed: rows.Count(r => r.Status == ImageStatus.Failed),
            Lost: options.Uploads - rows.Count(r => r.IsFinished),
            DuplicateRows: rows.Count - rows.Select(r => r.BlobName).Distinct().Count(),
            MissingResults: succeeded - results + inconsistent,
            Retried: rows.Count(r => r.Attempts > 1),
            QueueLeft: await storage.GetQueueDepthAsync(ct),
            Poisoned: await storage.GetPoisonedCountAsync(ct),
            Elapsed: elapsed,
            Downtime: downtime,
            PeakResidentBytes: peakBytes,
            MedianStageMs: new StageMedians(
                Median(rows.Select(r => r.DownloadMs)),
                Median(rows.Select(r => r.DecodeMs)),
                Median(rows.Select(r => r.InferenceMs)),
                Median(rows.Select(r => r.RenderMs)),
                Median(rows.Select(r => r.TotalMs))),
            ModelVersions: rows.Select(r => r.ModelVersion ?? "none").Distinct().ToList());
    }

    private static double Median(IEnumerable<double?> values)
    {
        var sorted = values.OfType<double>().Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
    }
}
