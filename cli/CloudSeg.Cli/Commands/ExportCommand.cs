using System.CommandLine;
using CloudSeg.Training.Export;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary>
/// <c>cloudseg export</c>: turns a training checkpoint into a model package (model.onnx in the cloudseg format +
/// model.card.json) that <c>cloudseg segment</c>, the functions and the dashboard load. See docs/model-format.md.
/// </summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<DirectoryInfo>("--checkpoint")
        {
            Description = "A checkpoint folder (checkpoint.json + model.bin), a `cloudseg train` output folder (its model/ is used), "
                + "or a cloudseg model package without training weights (re-exported from its graph's weights, card kept)",
            Required = true,
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write model.onnx and model.card.json into", Required = true };
        var name = new Option<string?>("--name") { Description = "Model name in the card (default: cloudseg-<backbone>)" };
        var version = new Option<string?>("--version") { Description = "Model version in the card (default: <checkpoint date>-step<N>)" };
        var metrics = new Option<FileInfo?>("--metrics")
        {
            Description = "COCO evaluation JSON for the card (`cloudseg eval --json`); default: the training run's evaluation.json",
        };
        var trainData = new Option<string?>("--train-data") { Description = "Training annotations JSON (or its dataset folder), digested into the card" };
        var scoreThreshold = new Option<float>("--score-threshold") { Description = "Default score threshold in the card", DefaultValueFactory = _ => 0.5f };
        var maskThreshold = new Option<float>("--mask-threshold") { Description = "Default mask probability threshold in the card", DefaultValueFactory = _ => 0.5f };
        var verify = new Option<string[]>("--verify")
        {
            Description = "Images (or folders of images) to run through both the checkpoint and the exported package, comparing every detection",
            AllowMultipleArgumentsPerToken = true,
        };

        var proposals = new Option<int?>("--rpn-post-nms-top-n")
        {
            Description = "Proposals kept after the RPN's NMS at inference (torchvision's rpn_post_nms_top_n_test; default: the model's own, "
                + "300 for the shapes models). Fewer is faster (the box head's RoIAlign and first layer scale with it); recorded in the graph's options",
        };
        var samplingRatio = new Option<int?>("--roi-align-sampling-ratio")
        {
            Description = "RoIAlign samples per bin side at inference (default: as trained, 2). 1 quarters the box branch's pooling; "
                + "measure the AP (docs/benchmarks.md, Int8); recorded in the graph's options",
        };
        var int8 = new Option<bool>("--int8") { Description = "Also add a calibrated int8 graph (model.int8.onnx, as `cloudseg quantize`); needs --calibration" };
        var quantize = new QuantizeOptions();

        var command = new Command("export", "Export a trained checkpoint to an ONNX model package (cloudseg format + model card)")
        {
            checkpoint, output, name, version, metrics, trainData, scoreThreshold, maskThreshold, verify, proposals, samplingRatio, int8,
            quantize.Calibration, quantize.Images, quantize.MinAgreement, quantize.Activations,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(int8) && parse.GetValue(quantize.Calibration) is null)
            {
                AnsiConsole.MarkupLine("[red]Error:[/] --int8 needs --calibration (a folder of pictures to calibrate on).");
                return 2;
            }
            var request = new CheckpointExportRequest(
                parse.GetValue(checkpoint)!.FullName,
                parse.GetValue(output)!.FullName,
                parse.GetValue(name),
                parse.GetValue(version),
                parse.GetValue(metrics)?.FullName,
                parse.GetValue(trainData),
                parse.GetValue(scoreThreshold),
                parse.GetValue(maskThreshold),
                ImageFiles(parse.GetValue(verify) ?? []),
                parse.GetValue(proposals),
                parse.GetValue(samplingRatio));
            try
            {
                var result = await AnsiConsole.Status().StartAsync("Exporting…", _ => CheckpointExport.ExportAsync(request, cancellationToken));
                AnsiConsole.Write(Summary(result));
                if (result.Checks.Count > 0)
                {
                    AnsiConsole.Write(Checks(result.Checks));
                    if (!result.Checks.All(c => c.Agrees))
                    {
                        AnsiConsole.MarkupLine("[red]The exported package does not reproduce the checkpoint on every image.[/]");
                        return 3;
                    }
                }
                // The float package is complete before quantizing, so a failed quantization loses none of it.
                return parse.GetValue(int8)
                    ? await quantize.RunAsync(parse, parse.GetValue(output)!.FullName, parse.GetValue(output)!.FullName, cancellationToken)
                    : 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Error:[/] {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif"];

    private static List<string> ImageFiles(IEnumerable<string> paths) => paths
        .SelectMany(path => Directory.Exists(path)
            ? Directory.EnumerateFiles(path).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order()
            : (IEnumerable<string>)[path])
        .ToList();

    private static Table Checks(IReadOnlyList<ExportCheck> checks)
    {
        var table = new Table().AddColumns("Image", "TorchSharp", "ONNX", "max |Δbox| px", "max |Δscore|", "");
        foreach (var check in checks)
            table.AddRow(Markup.Escape(check.Image), check.TorchSharpInstances.ToString(), check.OnnxInstances.ToString(),
                check.MaxBoxDifference.ToString("G3"), check.MaxScoreDifference.ToString("G3"), check.Agrees ? "[green]same[/]" : "[red]differs[/]");
        return table;
    }

    private static Table Summary(CheckpointExportResult result)
    {
        var card = result.Card;
        var table = new Table().AddColumns("", "").HideHeaders();
        table.AddRow("Checkpoint", Markup.Escape(result.CheckpointDirectory));
        table.AddRow("Model", Markup.Escape($"{result.OnnxPath} ({new FileInfo(result.OnnxPath).Length / 1e6:F1} MB)"));
        table.AddRow("Card", Markup.Escape(result.CardPath));
        table.AddRow("Name / version", Markup.Escape($"{card.Name} {card.Version}"));
        table.AddRow("Classes", Markup.Escape(string.Join(", ", card.Classes.Skip(1))));
        table.AddRow("Metrics", Markup.Escape(card.Metrics is { } m
            ? $"segm AP {m.Segm?.Ap:F3}, bbox AP {m.Bbox?.Ap:F3} (from {result.MetricsPath})"
            : "none (pass --metrics or export a training run with evaluation.json)"));
        table.AddRow("Code version", Markup.Escape(card.Training?.CodeVersion ?? "unknown"));
        return table;
    }
}
