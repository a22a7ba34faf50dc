using System.CommandLine;
using System.Diagnostics;
using CloudSeg.Cli.Segmenting;
using CloudSeg.Core.Imaging;
using CloudSeg.Inference;
using CloudSeg.ModelCards;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary><c>cloudseg bench</c>: times the segment pipeline per stage on a folder of images, and optionally ONNX
/// Runtime's bare Run of the same graph for comparison.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var model = ModelOptions.Model();
        var format = ModelOptions.Format();
        var images = new Option<DirectoryInfo>("--images") { Description = "Folder of images to segment", Required = true };
        var runs = new Option<int>("--runs") { Description = "Passes over the images (after one warm-up pass)", DefaultValueFactory = _ => 3 };
        var threads = ModelOptions.Threads();
        var precision = ModelOptions.Precision();
        var profile = new Option<bool>("--profile") { Description = "Also profile every operator with ONNX Runtime's profiler and print the time per operator type (slows the run)" };
        var spinning = new Option<bool>("--spinning")
        {
            Description = "Let ONNX Runtime's worker threads spin between operators (the Segmenter:AllowSpinning setting; off by default)",
        };
        var bare = new Option<bool>("--bare") { Description = "Also time ONNX Runtime's bare Run of the original graph on the first image" };

        var command = new Command("bench", "Time segmentation per stage (decode, preprocess, model, postprocess, encode/write): median, p95, images/s, peak memory")
        {
            model, format, images, runs, threads, precision, bare, profile, spinning,
        };
        command.SetAction(async (parse, ct) =>
        {
            var jobs = ImageJob.Expand([parse.GetValue(images)!.FullName]);
            if (jobs.Count == 0)
            {
                CliTables.Error("bench", $"no images in {parse.GetValue(images)!.FullName}");
                return 2;
            }
            var options = ModelOptions.Segmenter(parse, format, threads, precision);
            options.AllowSpinning = parse.GetValue(spinning);
            var passes = Math.Max(1, parse.GetValue(runs));
            var output = Directory.CreateTempSubdirectory("cloudseg-bench-");
            if (parse.GetValue(profile)) options.ProfilePrefix = Path.Combine(output.FullName, "ort-profile");
            try
            {
                using var segmenter = ModelOptions.Load(parse, model, options);
                AnsiConsole.MarkupLineInterpolated(
                    $"Model [bold]{segmenter.Card.Name}[/] ({segmenter.Architecture.ToCardName()}, {segmenter.Format.ToCardName()}, {segmenter.Precision}) on {segmenter.ExecutionProvider}, {(options.IntraOpThreads == 0 ? "default" : options.IntraOpThreads)} threads; {jobs.Count} image(s) × {passes} pass(es) after a warm-up pass");
                var pipeline = new SegmentPipeline(segmenter, new SegmentRequestOptions(), output.FullName);
                using var bareRun = parse.GetValue(bare)
                    ? new BareRunBenchmark(parse.GetValue(model) ?? DefaultModel.Resolve(), options, ImageDecoder.DecodeFile(jobs[0].Path))
                    : null;
                await pipeline.RunAsync(jobs, _ => { }, ct);
                bareRun?.RunOnce();

                // Passes alternate between the pipeline and the bare Run, so load from other processes hits both alike.
                var outcomes = new List<ImageOutcome>();
                var bareTimes = new List<TimeSpan>();
                var wall = TimeSpan.Zero;
                await CliTables.ProgressAsync("Benchmarking", passes * jobs.Count * (bareRun is null ? 1 : 2), async progress =>
                {
                    for (var pass = 0; pass < passes; pass++)
                    {
                        var clock = Stopwatch.StartNew();
                        outcomes.AddRange(await pipeline.RunAsync(jobs, _ => progress.Increment(1), ct));
                        wall += clock.Elapsed;
                        for (var i = 0; bareRun is not null && i < jobs.Count; i++)
                        {
                            ct.ThrowIfCancellationRequested();
                            bareTimes.Add(bareRun.RunOnce());
                            progress.Increment(1);
                        }
                    }
                });
                var ok = outcomes.Where(o => o.Succeeded).Select(o => o.Timings).ToList();
                foreach (var failure in outcomes.Where(o => !o.Succeeded).DistinctBy(o => o.Job.Path))
                    CliTables.Error(failure.Job.Path, failure.Error!);

                AnsiConsole.Write(CliTables.Timings("Per image, stage times", [
                    ("decode", DurationStats.Of(ok.Select(t => t.Decode))),
                    ("preprocess", DurationStats.Of(ok.Select(t => t.Preprocess))),
                    ("model", DurationStats.Of(ok.Select(t => t.Model))),
                    ("postprocess", DurationStats.Of(ok.Select(t => t.Postprocess))),
                    ("encode/write", DurationStats.Of(ok.Select(t => t.EncodeWrite))),
                    ("sum of stages", DurationStats.Of(ok.Select(t => t.Total))),
                ]));
                var perImage = wall.TotalMilliseconds / Math.Max(outcomes.Count, 1);
                AnsiConsole.MarkupLineInterpolated(
                    $"Pipelined end to end (decode → files written): [bold]{CliTables.Ms(perImage)} ms/image[/], {1000 / perImage:0.00} images/s");
                if (bareRun is not null)
                {
                    var stats = DurationStats.Of(bareTimes);
                    AnsiConsole.MarkupLineInterpolated(
                        $"Bare ONNX Runtime Run of the original graph on {Path.GetFileName(jobs[0].Path)}: median [bold]{CliTables.Ms(stats.MedianMs)} ms[/], p95 {CliTables.Ms(stats.P95Ms)} ms, mean {CliTables.Ms(stats.MeanMs)} ms; end to end / bare (means) = [bold]{perImage / stats.MeanMs:0.00}[/]");
                }

                if (options.ProfilePrefix is not null)
                {
                    var summary = OperatorProfile.Read(segmenter.EndProfiling());
                    AnsiConsole.Write(OperatorTable(summary.Operators));
                    if (summary.Runs > 0)
                    {
                        // What the kernels do not account for: ONNX Runtime's work between them, per executed node.
                        var outside = summary.RunMs - summary.KernelMs;
                        AnsiConsole.MarkupLineInterpolated(
                            $"Profiled Runs: {summary.Runs}; per Run: wall {CliTables.Ms(summary.RunMs / summary.Runs)} ms, kernels {CliTables.Ms(summary.KernelMs / summary.Runs)} ms, outside kernels [bold]{CliTables.Ms(outside / summary.Runs)} ms ({outside / summary.RunMs:P1})[/] over {summary.KernelCalls / (double)summary.Runs:0} kernel calls ({1000 * outside / summary.KernelCalls:0.0} µs each)");
                    }
                }

                using var process = Process.GetCurrentProcess();
                process.Refresh();
                AnsiConsole.MarkupLineInterpolated($"Peak memory (working set): {CliTables.Megabytes(process.PeakWorkingSet64)}");
                return outcomes.All(o => o.Succeeded) ? 0 : 1;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or FormatException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
            {
                CliTables.Error("bench", e.Message);
                return 2;
            }
            finally
            {
                output.Delete(recursive: true);
            }
        });
        return command;
    }

    private static Table OperatorTable(IReadOnlyList<OperatorTime> operators)
    {
        var table = new Table().Title("ONNX Runtime profile: kernel time per operator type (all runs)").AddColumns("Operator")
            .AddColumn(new TableColumn("Total ms").RightAligned()).AddColumn(new TableColumn("Calls").RightAligned()).AddColumn(new TableColumn("Share").RightAligned());
        foreach (var op in operators.Take(15))
            table.AddRow(Markup.Escape(op.OpType), CliTables.Ms(op.TotalMs), op.Calls.ToString(), $"{op.Share:P1}");
        // The long tail (shape arithmetic, small elementwise nodes) matters in sum even when no single type does.
        var rest = operators.Skip(15).ToList();
        if (rest.Count > 0)
            table.AddRow($"{rest.Count} other types", CliTables.Ms(rest.Sum(op => op.TotalMs)), rest.Sum(op => op.Calls).ToString(), $"{rest.Sum(op => op.Share):P1}");
        table.AddRow("all operators", CliTables.Ms(operators.Sum(op => op.TotalMs)), operators.Sum(op => op.Calls).ToString(), "100 %");
        return table;
    }
}
