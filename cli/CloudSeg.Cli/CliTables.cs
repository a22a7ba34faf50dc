using System.Globalization;
using Spectre.Console;

namespace CloudSeg.Cli;

/// <summary>Spectre.Console pieces shared by the commands: timing tables, progress bars, error lines.</summary>
public static class CliTables
{
    /// <summary>A "stage | median ms | p95 ms | mean ms | n" table.</summary>
    public static Table Timings(string title, IEnumerable<(string Stage, DurationStats Stats)> rows)
    {
        var table = new Table { Title = new TableTitle(title) }.RoundedBorder();
        table.AddColumn("Stage");
        table.AddColumn(new TableColumn("Median ms").RightAligned());
        table.AddColumn(new TableColumn("p95 ms").RightAligned());
        table.AddColumn(new TableColumn("Mean ms").RightAligned());
        table.AddColumn(new TableColumn("n").RightAligned());
        foreach (var (stage, stats) in rows)
            table.AddRow(Markup.Escape(stage), Ms(stats.MedianMs), Ms(stats.P95Ms), Ms(stats.MeanMs), stats.Count.ToString(CultureInfo.InvariantCulture));
        return table;
    }

    public static string Ms(double milliseconds) => milliseconds.ToString(milliseconds < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);

    public static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    /// <summary>Runs <paramref name="work"/> under a progress bar with the usual columns.</summary>
    public static Task ProgressAsync(string description, int total, Func<ProgressTask, Task> work) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context => await work(context.AddTask(Markup.Escape(description), maxValue: Math.Max(total, 1))));

    /// <summary>A red "error:" line naming what failed.</summary>
    public static void Error(string subject, string message) =>
        AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {subject}: {message}");
}

/// <summary>Moves a bar from the worker's thread (Progress&lt;T&gt; would post updates that arrive after the end).</summary>
public sealed class ProgressBarUpdater(ProgressTask task) : IProgress<int>
{
    public void Report(int value) => task.Value = value;
}
