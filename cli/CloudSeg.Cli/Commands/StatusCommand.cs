using System.CommandLine;
using System.Globalization;
using CloudSeg.Storage;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary>
/// <c>cloudseg status</c>: what happened to the uploads — counts per status, the queue and poison queue, the model in
/// service — and the images of one status (failed by default) with their reasons.
/// </summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var show = new Option<string>("--show") { Description = "Which rows to list: failed, succeeded, queued, processing, or none", DefaultValueFactory = _ => ImageStatus.Failed };
        var prefix = new Option<string?>("--prefix") { Description = "Only blobs whose name starts with this" };
        var limit = new Option<int>("--limit") { Description = "Rows to list at most", DefaultValueFactory = _ => 20 };
        var connection = StorageConnection.Option();
        var command = new Command("status", "Show how many uploads are queued, processing, succeeded and failed, the queues, the current model and the latest failures")
        {
            show, prefix, limit, connection,
        };
        command.SetAction(async (parse, ct) =>
        {
            var storage = StorageConnection.Connect(parse.GetValue(connection));
            try
            {
                await storage.EnsureCreatedAsync(ct);
                await ShowSummaryAsync(storage, ct);
                var status = parse.GetValue(show)!;
                if (status == "none") return 0;
                var page = await storage.QueryImagesPageAsync(new ImageQuery { Status = status, NamePrefix = parse.GetValue(prefix) },
                    Math.Clamp(parse.GetValue(limit), 1, 1000), ct: ct);
                AnsiConsole.MarkupLineInterpolated($"\n[bold]{status}[/] ({page.Rows.Count}{(page.ContinuationToken is null ? "" : "+")} shown):");
                AnsiConsole.Write(RowsTable(page.Rows));
                return 0;
            }
            catch (Azure.RequestFailedException e)
            {
                CliTables.Error("status", $"storage answered {e.Status}: {e.Message.Split('\n')[0]}");
                return 1;
            }
            catch (HttpRequestException e)
            {
                CliTables.Error("status", $"cannot reach storage ({e.Message}); is `cloudseg up` running?");
                return 1;
            }
        });
        return command;
    }

    /// <summary>One line per image: status, instances, classes, top score, model, time, error.</summary>
    internal static Table RowsTable(IEnumerable<ImageIndexEntity> rows)
    {
        var table = new Table().RoundedBorder().AddColumns("image", "status", "instances", "classes", "top score", "model", "ms", "attempts", "error");
        foreach (var row in rows)
        {
            var colour = row.Status switch { ImageStatus.Succeeded => "green", ImageStatus.Failed => "red", _ => "yellow" };
            table.AddRow(
                Markup.Escape(row.BlobName),
                $"[{colour}]{row.Status}[/]",
                row.InstanceCount?.ToString(CultureInfo.InvariantCulture) ?? "",
                Markup.Escape(row.Classes ?? ""),
                row.TopScore?.ToString("0.00", CultureInfo.InvariantCulture) ?? "",
                Markup.Escape(row.ModelVersion ?? ""),
                row.TotalMs?.ToString("0", CultureInfo.InvariantCulture) ?? "",
                row.Attempts.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(row.Error ?? ""));
        }
        return table;
    }

    private static async Task ShowSummaryAsync(CloudSegStorage storage, CancellationToken ct)
    {
        var counts = await storage.CountByStatusAsync(ct);
        var queued = await storage.GetQueueDepthAsync(ct);
        var poisoned = await storage.GetPoisonedCountAsync(ct);
        var current = await storage.Registry.GetCurrentAsync(ct);
        var summary = new Table().RoundedBorder().AddColumns("what", "count");
        foreach (var status in ImageStatus.All) summary.AddRow(status, counts.GetValueOrDefault(status).ToString(CultureInfo.InvariantCulture));
        summary.AddRow("messages in segment-requests", queued.ToString(CultureInfo.InvariantCulture));
        summary.AddRow("messages in segment-requests-poison", poisoned.ToString(CultureInfo.InvariantCulture));
        AnsiConsole.Write(summary);
        AnsiConsole.MarkupLineInterpolated(current is { } c
            ? (FormattableString)$"Current model: [bold]{c.Pointer.Version}[/] (promoted {c.Pointer.PromotedAt:u}: {c.Pointer.Reason})"
            : $"Current model: none promoted yet (the functions serve their bundled model)");
    }
}
