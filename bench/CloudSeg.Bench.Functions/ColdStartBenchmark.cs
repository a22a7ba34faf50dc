using System.Diagnostics;
using System.Globalization;
using CloudSeg.Functions.LocalRunner;
using CloudSeg.Storage;

namespace CloudSeg.Bench.Functions;

/// <summary>
/// Cold start (issue 16): an image waits in the queue, the functions host process starts with an empty model cache,
/// and the clock runs from the process start to that image's row being done (default model, CPU). Alongside: when the
/// liveness probe (/alive) first answers, which must not wait for the model, and when /health turns healthy (model
/// loaded). Each run is a new process; the first run seeds the registry, so runs 2.. are what a new replica sees.
/// </summary>
internal sealed class ColdStartBenchmark(BenchOptions options, string repoRoot)
{
    private const double GoalSeconds = 3.0;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        await using var stack = await BenchStack.StartAsync(repoRoot, "coldstart", ct);
        var sample = Directory.GetFiles(Path.Combine(repoRoot, "samples")).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)).Order().First();
        var bytes = await File.ReadAllBytesAsync(sample, ct);
        Console.WriteLine($"Cold start: {options.ColdStarts} runs, image {Path.GetFileName(sample)}, default model on CPU, {options.IntraOpThreads} ONNX thread(s); goal <= {GoalSeconds} s");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var done = new List<double>();
        for (var run = 1; run <= options.ColdStarts; run++)
        {
            var settings = stack.RunnerSettings(options.IntraOpThreads);
            settings["Models:CacheDirectory"] = Path.Combine(stack.Work, $"models-{run}"); // a new replica's empty cache
            settings["Functions:ScanInterval"] = "00:00:00";
            var name = $"cold/{run:D2}-{Path.GetFileName(sample)}";
            var receipt = await stack.Storage.UploadImageAsync(name, new MemoryStream(bytes), ct: ct);

            var clock = Stopwatch.StartNew();
            await using var runner = LocalRunnerProcess.Start(settings, Path.Combine(stack.Work, $"runner-{run}.log"));
            double? alive = null, healthy = null, finished = null;
            while (finished is null)
            {
                ct.ThrowIfCancellationRequested();
                if (runner.HasExited) throw new InvalidOperationException($"The runner exited; see {stack.Work}/runner-{run}.log");
                alive ??= await AnswersAsync(http, runner.Port, "alive", ct) ? clock.Elapsed.TotalSeconds : null;
                healthy ??= alive is not null && await AnswersAsync(http, runner.Port, "health", ct) ? clock.Elapsed.TotalSeconds : null;
                if (await stack.Storage.GetImageAsync(name, ct) is { Status: ImageStatus.Succeeded } row && row.SourceETag == receipt.ETag)
                    finished = clock.Elapsed.TotalSeconds;
                else
                    await Task.Delay(20, ct);
            }
            done.Add(finished.Value);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: /alive {Format(alive)}, /health healthy {Format(healthy)}, first image done {finished:0.00} s"));
        }
        var warmRegistry = done.Skip(1).DefaultIfEmpty(done[0]).Order().ToList();
        var median = warmRegistry[warmRegistry.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cold start, host start -> first image done: median {median:0.00} s over runs 2..{options.ColdStarts} (goal <= {GoalSeconds} s); first run (seeds the registry) {done[0]:0.00} s"));
        return median <= GoalSeconds ? 0 : 1;
    }

    private static string Format(double? seconds) => seconds is { } s ? s.ToString("0.00 's'", CultureInfo.InvariantCulture) : "never";

    private static async Task<bool> AnswersAsync(HttpClient http, int port, string path, CancellationToken ct)
    {
        try
        {
            return (await http.GetAsync($"http://127.0.0.1:{port}/{path}", ct)).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
