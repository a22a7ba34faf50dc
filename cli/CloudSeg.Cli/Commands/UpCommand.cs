using System.CommandLine;
using CloudSeg.Datasets.Publishing;
using CloudSeg.LocalEnvironment;
using CloudSeg.Storage;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary>`cloudseg up`: the whole product on this machine — Azurite, functions, dashboard — with the samples segmented.</summary>
public static class UpCommand
{
    /// <summary>Size of the labelled shapes set seeded into an empty datasets/ (about 15 s to draw, check and upload).</summary>
    private const int SeedTrainImages = 300;
    private const int SeedValImages = 50;

    public static Command Create()
    {
        var fresh = new Option<bool>("--fresh") { Description = "Wipe the local storage (uploads, results, models) before starting" };
        var detach = new Option<bool>("--detach") { Description = "Leave the system running in the background; `cloudseg down` stops it" };
        var environment = new Option<string>("--environment")
        {
            Description = "ASP.NET Core environment of the hosts (default: $ASPNETCORE_ENVIRONMENT, else Production; Development shows stack traces)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is { Length: > 0 } set ? set : "Production",
        };
        var command = new Command("up", "Start Azurite, the functions host and the dashboard locally, segment the sample images and print the dashboard URL")
        {
            fresh, detach, environment,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(fresh), parse.GetValue(detach), parse.GetValue(environment)!, ct));
        return command;
    }

    private static async Task<int> RunAsync(bool fresh, bool detach, string environment, CancellationToken ct)
    {
        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true));
        var options = new LocalSystemOptions(RepositoryRoot.Find()) { HostEnvironment = environment };
        var system = new LocalSystem(options, logging.CreateLogger<LocalSystem>());
        var keepRunning = false;
        try
        {
            await system.StartAsync(fresh, ct);
            var storage = CloudSegStorage.Create(new StorageOptions { ConnectionString = system.ConnectionString });
            // Drawn and uploaded while the functions segment the samples: "Retrain now" then has data on a fresh system.
            var seeding = ShapesSeeder.SeedIfEmptyAsync(storage, SeedTrainImages, SeedValImages, logging.CreateLogger(nameof(ShapesSeeder)), ct);
            ShowSamples(await system.ProcessSamplesAsync(storage, ct));
            await seeding;
            AnsiConsole.MarkupLine($"\nDashboard: [link]{options.DashboardUrl}[/]   functions: {options.FunctionsUrl}   logs: {options.LogFolder}");
            if (detach)
            {
                keepRunning = true;
                AnsiConsole.MarkupLine("Running in the background; [bold]./cloudseg down[/] stops it.");
                return 0;
            }
            AnsiConsole.MarkupLine("Press [bold]Ctrl-C[/] to stop.");
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or Azure.RequestFailedException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]cloudseg up failed:[/] {e.Message}");
            return 1;
        }
        finally
        {
            if (!keepRunning)
            {
                var stopped = system.Stop();
                if (stopped.Count > 0) AnsiConsole.MarkupLineInterpolated($"Stopped {string.Join(", ", stopped)}; data kept in {options.StateFolder}.");
            }
        }
    }

    private static void ShowSamples(IReadOnlyList<ImageIndexEntity> rows)
    {
        var table = new Table().AddColumns("image", "status", "instances", "classes", "top score", "error");
        foreach (var row in rows)
        {
            table.AddRow(Markup.Escape(row.BlobName), row.Status, row.InstanceCount?.ToString() ?? "", Markup.Escape(row.Classes ?? ""),
                row.TopScore?.ToString("0.00") ?? "", Markup.Escape(row.Error ?? ""));
        }
        AnsiConsole.Write(table);
    }
}
