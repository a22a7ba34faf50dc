using System.CommandLine;
using System.Diagnostics;
using CloudSeg.Cli.Segmenting;
using CloudSeg.Inference;
using CloudSeg.ModelCards;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary><c>cloudseg segment IMAGE...</c>: instance masks for images, as COCO results JSON and overlay PNGs.</summary>
public static class SegmentCommand
{
    public static Command Create()
    {
        var images = new Argument<string[]>("IMAGE") { Description = "Image files, or folders of images", Arity = ArgumentArity.OneOrMore };
        var model = ModelOptions.Model();
        var format = ModelOptions.Format();
        var classes = new Option<FileInfo?>("--classes") { Description = "Class names file, one per line in label order (overrides the model card)" };
        var scoreThreshold = new Option<float?>("--score-threshold") { Description = "Keep instances scoring at least this (default: the model card's, else 0.5)" };
        var maskThreshold = new Option<float?>("--mask-threshold") { Description = "Mask probability threshold (default: the model card's, else 0.5)" };
        var output = new Option<DirectoryInfo>("--output", "-o") { Description = "Folder for <stem>.json and <stem>.overlay.png", DefaultValueFactory = _ => new DirectoryInfo("out") };
        var threads = ModelOptions.Threads();
        var precision = ModelOptions.Precision();
        var noRescoring = new Option<bool>("--no-mask-iou-rescoring") { Description = "Report the detector's scores even when the model has a MaskIoU head" };

        var command = new Command("segment", "Segment images: writes DIR/<stem>.json (COCO results) and DIR/<stem>.overlay.png per image")
        {
            images, model, format, classes, scoreThreshold, maskThreshold, output, threads, precision, noRescoring,
        };
        command.SetAction(async (parse, ct) =>
        {
            var jobs = ImageJob.Expand(parse.GetValue(images) ?? []);
            if (jobs.Count == 0)
            {
                CliTables.Error("segment", "no images given (folders are searched for .jpg, .jpeg, .png, .webp, .bmp, .gif)");
                return 2;
            }

            ISegmenter segmenter;
            try
            {
                var options = ModelOptions.Segmenter(parse, format, threads, precision);
                options.ClassNames = parse.GetValue(classes) is { } file ? ClassNamesFile.Read(file.FullName) : null;
                options.UseMaskIouRescoring = !parse.GetValue(noRescoring);
                segmenter = ModelOptions.Load(parse, model, options);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or FormatException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
            {
                CliTables.Error("model", e.Message);
                return 2;
            }

            using (segmenter)
            {
                var request = new SegmentRequestOptions
                {
                    ScoreThreshold = parse.GetValue(scoreThreshold),
                    MaskThreshold = parse.GetValue(maskThreshold),
                };
                var outputDirectory = parse.GetValue(output)!.FullName;
                AnsiConsole.MarkupLineInterpolated(
                    $"Model [bold]{segmenter.Card.Name}[/] {segmenter.Card.Version} ({segmenter.Architecture.ToCardName()}, {segmenter.Format.ToCardName()}) on {segmenter.ExecutionProvider}; {jobs.Count} image(s) → {outputDirectory}");

                var clock = Stopwatch.StartNew();
                IReadOnlyList<ImageOutcome> outcomes = [];
                await CliTables.ProgressAsync("Segmenting", jobs.Count, async progress =>
                {
                    var pipeline = new SegmentPipeline(segmenter, request, outputDirectory);
                    outcomes = await pipeline.RunAsync(jobs, outcome =>
                    {
                        if (!outcome.Succeeded)
                            CliTables.Error(outcome.Job.Path, outcome.Error!);
                        progress.Increment(1);
                    }, ct);
                });
                clock.Stop();

                AnsiConsole.Write(Summary(outcomes));
                var failed = outcomes.Count(o => !o.Succeeded);
                AnsiConsole.MarkupLineInterpolated(
                    $"{outcomes.Count - failed} segmented, [{(failed == 0 ? "green" : "red")}]{failed} failed[/] in {clock.Elapsed.TotalSeconds:0.00} s ({outcomes.Count / Math.Max(clock.Elapsed.TotalSeconds, 1e-9):0.00} images/s)");
                return failed == 0 ? 0 : 1;
            }
        });
        return command;
    }

    private static Table Summary(IReadOnlyList<ImageOutcome> outcomes)
    {
        var table = new Table().RoundedBorder();
        table.AddColumn("Image");
        table.AddColumn(new TableColumn("Size").RightAligned());
        table.AddColumn(new TableColumn("Instances").RightAligned());
        table.AddColumn(new TableColumn("Model ms").RightAligned());
        table.AddColumn(new TableColumn("Total ms").RightAligned());
        table.AddColumn("Result");
        foreach (var outcome in outcomes)
        {
            var s = outcome.Segmentation;
            table.AddRow(
                Markup.Escape(outcome.Job.Stem),
                s is null ? "" : $"{s.Width}×{s.Height}",
                s is null ? "" : s.Instances.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                s is null ? "" : CliTables.Ms(outcome.Timings.Model.TotalMilliseconds),
                CliTables.Ms(outcome.Timings.Total.TotalMilliseconds),
                outcome.Succeeded ? "[green]ok[/]" : "[red]failed[/]");
        }
        return table;
    }
}
