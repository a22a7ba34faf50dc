using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CloudSeg.Inference;
using CloudSeg.Storage;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary><c>cloudseg models list|promote|rollback|pull</c>: the model registry of the running system, as the dashboard's /models page shows it.</summary>
public static class ModelsCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static Command Create() => new("models", "List the registered model versions, promote one, roll back to the previous one, or pull torchvision's COCO model")
    {
        ListCommand(),
        PromoteCommand(),
        RollbackCommand(),
        ModelsPullCommand.Create(),
    };

    private static Command ListCommand()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array (version, current, source, created, mask_ap, …) instead of a table" };
        var connection = StorageConnection.Option();
        var command = new Command("list", "List the registered versions, newest first, with their source, mask AP and training decision") { json, connection };
        command.SetAction((parse, ct) => StorageConnection.RunAsync("models list", parse.GetValue(connection), async storage =>
        {
            var models = (await storage.ListModelsAsync(ct)).Select(ModelListing.From).ToList();
            if (parse.GetValue(json))
            {
                // Straight to the output, not through markup: JSON must not be wrapped or styled.
                AnsiConsole.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(models, Json));
                return 0;
            }
            var table = new Table().RoundedBorder().AddColumns("version", "current", "source", "created", "mask AP", "baseline AP", "decision");
            foreach (var m in models)
            {
                table.AddRow(Markup.Escape(m.Version), m.Current ? "[green]yes[/]" : "", m.Source, m.Created.ToString("u", CultureInfo.InvariantCulture),
                    Ap(m.MaskAp), Ap(m.BaselineMaskAp), Markup.Escape(m.Decision ?? ""));
            }
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command PromoteCommand()
    {
        var version = new Argument<string>("version") { Description = "The registered version to make current" };
        var connection = StorageConnection.Option();
        var command = new Command("promote", "Make a registered version current; the functions swap to it without a restart") { version, connection };
        command.SetAction((parse, ct) => StorageConnection.RunAsync("models promote", parse.GetValue(connection), async storage =>
        {
            try
            {
                var pointer = await storage.Registry.PromoteAsync(parse.GetValue(version)!, $"promoted with the cloudseg CLI by {Environment.UserName}", ct);
                AnsiConsole.MarkupLineInterpolated($"Model [bold]{pointer.Version}[/] is now current.");
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                CliTables.Error("models promote", e.Message);
                return 1;
            }
        }));
        return command;
    }

    private static Command RollbackCommand()
    {
        var connection = StorageConnection.Option();
        var command = new Command("rollback", "Make the version registered before the current one current again") { connection };
        command.SetAction((parse, ct) => StorageConnection.RunAsync("models rollback", parse.GetValue(connection), async storage =>
        {
            if (await storage.Registry.RollBackAsync($"{Environment.UserName} with the cloudseg CLI", ct) is not { } pointer)
            {
                CliTables.Error("models rollback", "there is no earlier version to roll back to.");
                return 1;
            }
            AnsiConsole.MarkupLineInterpolated($"Rolled back: [bold]{pointer.Version}[/] is now current ({pointer.Reason}).");
            return 0;
        }));
        return command;
    }

    private static string Ap(double? ap) => ap?.ToString("0.000", CultureInfo.InvariantCulture) ?? "–";

    /// <summary>One element of <c>models list --json</c>.</summary>
    private sealed record ModelListing(
        [property: JsonPropertyName("version")] string Version,
        [property: JsonPropertyName("current")] bool Current,
        [property: JsonPropertyName("source")] string Source,
        [property: JsonPropertyName("created")] DateTimeOffset Created,
        [property: JsonPropertyName("mask_ap")] double? MaskAp,
        [property: JsonPropertyName("baseline_mask_ap")] double? BaselineMaskAp,
        [property: JsonPropertyName("baseline_version")] string? BaselineVersion,
        [property: JsonPropertyName("run_id")] string? RunId,
        [property: JsonPropertyName("decision")] string? Decision)
    {
        /// <summary>A training version's mask AP is the one its run measured on the val split; others carry theirs in the card.</summary>
        public static ModelListing From(RegisteredModel model) => new(
            model.Version, model.IsCurrent, model.Source, model.Info.CreatedAt,
            model.Run?.MaskAp ?? model.Info.Card?.Metrics?.Segm?.Ap,
            model.Run?.BaselineMaskAp, model.Run?.BaselineModelVersion, model.Run?.RunId, model.Run?.Decision);
    }
}
