using System.CommandLine;
using System.Globalization;
using CloudSeg.ModelCards;
using CloudSeg.Storage;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary>
/// <c>cloudseg retrain [--steps N] [--arch A] [--wait]</c>: the dashboard's "Retrain now" from the command line. Requests a run;
/// with --wait follows its row (step/total, loss, ETA) until it ends: 0 when it succeeded (promoted or kept), 1 when it failed.
/// </summary>
public static class RetrainCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    public static Command Create()
    {
        var steps = new Option<int?>("--steps") { Description = "Optimiser steps (default: the configured training length)" };
        steps.Validators.Add(r =>
        {
            if (r.GetValue(steps) is <= 0) r.AddError("--steps must be positive.");
        });
        var arch = new Option<string?>("--arch") { Description = "Model family to train: mask_rcnn or yolact (default: the current model's)" };
        arch.AcceptOnlyFromAmong("mask_rcnn", "yolact");
        var wait = new Option<bool>("--wait") { Description = "Follow the run until it ends; exit 0 when it succeeded, 1 when it failed" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds --wait waits at most", DefaultValueFactory = _ => 3600 };
        var connection = StorageConnection.Option();
        var command = new Command("retrain", "Request a training run on the datasets container (the running system starts it); --wait follows it to its decision")
        {
            steps, arch, wait, timeout, connection,
        };
        command.SetAction((parse, ct) => StorageConnection.RunAsync("retrain", parse.GetValue(connection), async storage =>
        {
            TrainingRunEntity run;
            try
            {
                var architecture = parse.GetValue(arch) is { } name ? ModelArchitectures.Parse(name) : (ModelArchitecture?)null;
                run = await storage.RequestTrainingRunAsync(parse.GetValue(steps), "manual", architecture, ct);
            }
            catch (InvalidOperationException e)
            {
                CliTables.Error("retrain", e.Message);
                return 1;
            }
            AnsiConsole.MarkupLineInterpolated($"Requested training run [bold]{run.RunId}[/]{(run.RequestedSteps is { } n ? $" ({n} steps)" : "")}.");
            if (!parse.GetValue(wait)) return 0;
            var final = await FollowAsync(storage, run.RunId, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct);
            return Report(final);
        }));
        return command;
    }

    /// <summary>Polls the row under a progress bar until the run ends or <paramref name="timeout"/> passes; returns the last row seen.</summary>
    private static async Task<TrainingRunEntity?> FollowAsync(CloudSegStorage storage, string runId, TimeSpan timeout, CancellationToken ct)
    {
        TrainingRunEntity? run = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape($"{runId}: requested"), maxValue: 1);
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(timeout);
                try
                {
                    while (true)
                    {
                        run = await storage.GetTrainingRunAsync(runId, deadline.Token) ?? run;
                        if (run is not null)
                        {
                            if (run.TotalSteps is > 0 and var total) task.MaxValue = total;
                            if (run.Step is { } step) task.Value = step;
                            task.Description = Markup.Escape(Describe(run));
                            if (run.Status is TrainingRunStatus.Succeeded or TrainingRunStatus.Failed)
                            {
                                task.Value = task.MaxValue;
                                return;
                            }
                        }
                        await Task.Delay(PollInterval, deadline.Token);
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // --timeout passed; the caller reports the run as still going.
                }
            });
        return run;
    }

    private static string Describe(TrainingRunEntity run)
    {
        var parts = new List<string> { $"{run.RunId}: {run.Status}" };
        if (run.Step is { } step) parts.Add($"step {step}/{run.TotalSteps?.ToString(CultureInfo.InvariantCulture) ?? "?"}");
        if (run.Loss is { } loss) parts.Add($"loss {loss.ToString("0.000", CultureInfo.InvariantCulture)}");
        if (run.Status == TrainingRunStatus.Requested) parts.Add("waiting for the functions host to start it");
        return string.Join(" · ", parts);
    }

    private static int Report(TrainingRunEntity? run)
    {
        switch (run?.Status)
        {
            case TrainingRunStatus.Succeeded:
                AnsiConsole.MarkupLineInterpolated($"[green]Run {run.RunId} succeeded[/]: model {run.ModelVersion ?? "?"}, mask AP {Ap(run.MaskAp)} (current {run.BaselineModelVersion ?? "?"}: {Ap(run.BaselineMaskAp)}).");
                AnsiConsole.MarkupLineInterpolated($"Decision: {run.Decision ?? (run.Promoted ? "promoted" : "kept the current model")}");
                return 0;
            case TrainingRunStatus.Failed:
                CliTables.Error($"run {run.RunId} failed", run.Error ?? "no reason recorded");
                if (!string.IsNullOrWhiteSpace(run.LogTail))
                {
                    AnsiConsole.MarkupLine("Last lines of its log:");
                    AnsiConsole.Write(new Text(run.LogTail.TrimEnd() + "\n"));
                }
                return 1;
            default:
                CliTables.Error("retrain", $"run {run?.RunId} is still {run?.Status ?? "unknown"} after --timeout; it goes on: the dashboard's /training page follows it.");
                return 2;
        }
    }

    private static string Ap(double? ap) => ap?.ToString("0.000", CultureInfo.InvariantCulture) ?? "n/a";
}
