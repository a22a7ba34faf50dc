using System.CommandLine;
using System.Globalization;
using CloudSeg.Datasets.Publishing;
using CloudSeg.Storage;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary>
/// <c>cloudseg dataset push DIR --split train|val</c> validates a COCO folder and publishes it into the running system's
/// <c>datasets</c> container, where retraining reads it; <c>cloudseg dataset ls</c> summarises what is there.
/// </summary>
public static class DatasetCommand
{
    /// <summary>Problems listed in full before the rest are only counted.</summary>
    private const int ProblemsShown = 50;

    public static Command Create() => new("dataset", "Labelled data for retraining: validate and push COCO folders, list what is there")
    {
        PushCommand(),
        ListCommand(),
    };

    private static Command PushCommand()
    {
        var folder = new Argument<DirectoryInfo>("dir") { Description = "COCO dataset folder: annotations.json + images/" };
        var split = new Option<string>("--split") { Description = "Which split it becomes", Required = true };
        split.AcceptOnlyFromAmong([.. DatasetPublisher.Splits]);
        var connection = StorageConnection.Option();
        var command = new Command("push", "Validate a COCO folder and upload it as the train or val split; a dataset with problems is refused whole")
        {
            folder, split, connection,
        };
        command.SetAction(async (parse, ct) =>
        {
            var splitName = parse.GetValue(split)!;
            var check = await DatasetValidator.CheckFolderAsync(parse.GetValue(folder)!.FullName, ct);
            ShowProblems(check);
            if (!check.IsValid)
            {
                CliTables.Error("dataset push", $"{check.Folder} has {check.Errors.Count} problem(s); nothing was uploaded.");
                return 1;
            }
            return await StorageConnection.RunAsync("dataset push", parse.GetValue(connection), async storage =>
            {
                await storage.EnsureCreatedAsync(ct);
                // A run reads the split while it trains: changing it underneath would train on a mix of old and new.
                if (await storage.GetActiveTrainingRunAsync(ct) is { } active)
                {
                    CliTables.Error("dataset push", $"training run {active.RunId} is {active.Status}; push again once it has ended. Nothing was uploaded.");
                    return 1;
                }
                DatasetPushResult result = null!;
                await CliTables.ProgressAsync($"Uploading {splitName}", check.Coco!.Images.Count, async progress =>
                    result = await new DatasetPublisher(storage).PushAsync(splitName, check, new ProgressBarUpdater(progress), ct));
                AnsiConsole.MarkupLineInterpolated(
                    $"Pushed [bold]{splitName}[/]: {check.Coco.Images.Count} images, {check.Coco.Annotations.Count} instances ({result.Uploaded} uploaded, {result.Unchanged} unchanged, {result.Deleted} removed).");
                AnsiConsole.Write(SummaryTable(await storage.GetDatasetSummaryAsync(ct)));
                return 0;
            });
        });
        return command;
    }

    private static Command ListCommand()
    {
        var connection = StorageConnection.Option();
        var command = new Command("ls", "Summarise the datasets container per split: images, instances per class, last change") { connection };
        command.SetAction((parse, ct) => StorageConnection.RunAsync("dataset ls", parse.GetValue(connection), async storage =>
        {
            var summary = await storage.GetDatasetSummaryAsync(ct);
            if (summary.IsEmpty)
            {
                AnsiConsole.MarkupLine("datasets/ is empty: push a COCO folder with [bold]cloudseg dataset push DIR --split train[/] (and one with --split val).");
                return 0;
            }
            AnsiConsole.Write(SummaryTable(summary));
            return 0;
        }));
        return command;
    }

    internal static Table SummaryTable(DatasetSummary summary)
    {
        var table = new Table().RoundedBorder().AddColumns("split", "images", "instances", "instances per class", "last change", "problem");
        foreach (var split in summary.Splits)
        {
            table.AddRow(
                Markup.Escape(split.Split),
                split.Images.ToString(CultureInfo.InvariantCulture),
                split.Instances.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(", ", split.InstancesPerClass.Select(kv => $"{kv.Key} {kv.Value}"))),
                split.LastChange?.ToString("u", CultureInfo.InvariantCulture) ?? "",
                Markup.Escape(split.Error ?? (split.EmptyClasses.Any() ? $"no instances of {string.Join(", ", split.EmptyClasses)}" : "")));
        }
        return table;
    }

    private static void ShowProblems(DatasetCheck check)
    {
        foreach (var warning in check.Warnings.Take(ProblemsShown))
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
        foreach (var error in check.Errors.Take(ProblemsShown))
            AnsiConsole.MarkupLineInterpolated($"[red]problem:[/] {error}");
        var hidden = Math.Max(0, check.Errors.Count - ProblemsShown) + Math.Max(0, check.Warnings.Count - ProblemsShown);
        if (hidden > 0) AnsiConsole.MarkupLineInterpolated($"… and {hidden} more.");
    }
}
