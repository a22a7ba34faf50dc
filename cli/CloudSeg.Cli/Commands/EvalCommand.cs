using System.CommandLine;
using System.Globalization;
using CloudSeg.Evaluation.Coco;
using CloudSeg.Evaluation.Metrics;
using CloudSeg.Evaluation.Results;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary>
/// <c>cloudseg eval</c>: COCO AP (pycocotools semantics) of detections against COCO ground truth, e.g. of the folder
/// <c>cloudseg segment</c> wrote or a downloaded results container, with and without MaskIoU rescoring when the
/// detections carry mask_iou.
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var groundTruth = new Option<FileInfo>("--gt") { Description = "COCO instances JSON (ground truth)", Required = true };
        var results = new Option<string>("--results")
        {
            Description = "COCO results JSON, or a folder of per-image results (<image stem>.json from `cloudseg segment`, or <image>/result.json of a results container)",
            Required = true,
        };
        var iouType = new Option<string>("--iou-type") { Description = "What to compare detections by", DefaultValueFactory = _ => "both" };
        iouType.AcceptOnlyFromAmong("segm", "bbox", "both");
        var json = new Option<FileInfo?>("--json") { Description = "Also write the metrics as JSON to this file" };

        var command = new Command("eval", "COCO AP/AR of detections against ground truth (bbox and/or segm)") { groundTruth, results, iouType, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                var gt = await CocoDatasetJson.ReadFileAsync(parse.GetValue(groundTruth)!.FullName, cancellationToken);
                var loaded = await DetectionResultsLoader.LoadAsync(parse.GetValue(results)!, gt, cancellationToken);
                foreach (var file in loaded.UnmatchedFiles)
                {
                    AnsiConsole.MarkupLineInterpolated($"[yellow]Warning:[/] {file} matches no ground-truth file name; using the image_id inside it.");
                }
                IouType[] types = parse.GetValue(iouType) switch
                {
                    "bbox" => [IouType.Bbox],
                    "segm" => [IouType.Segm],
                    _ => [IouType.Bbox, IouType.Segm],
                };
                var report = EvaluationReport.Evaluate(gt, loaded.Results, types);

                AnsiConsole.MarkupLineInterpolated(
                    $"{loaded.Results.Count} detections from {loaded.FileCount} file(s) on {gt.Images.Count} images, {gt.Annotations.Count} ground-truth objects");
                AnsiConsole.Write(Table(report));
                if (parse.GetValue(json) is { } jsonFile)
                {
                    await using var stream = File.Create(jsonFile.FullName);
                    await report.WriteJsonAsync(stream, cancellationToken);
                }
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Error:[/] {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static Table Table(EvaluationReport report)
    {
        var table = new Table().AddColumn("Metric");
        foreach (var column in report.Columns)
        {
            table.AddColumn(new TableColumn(column.Name.Replace("_rescored", " × mask_iou")).RightAligned());
        }
        for (var stat = 0; stat < CocoEvalSummary.StatNames.Count; stat++)
        {
            // -1 means nothing to evaluate (e.g. no large objects): show it as a dash, not as a number.
            table.AddRow([CocoEvalSummary.StatNames[stat], .. report.Columns.Select(c => Format(c.Summary.Stats[stat]))]);
        }
        return table;
    }

    private static string Format(double value) => value < 0 ? "-" : value.ToString("F3", CultureInfo.InvariantCulture);
}
