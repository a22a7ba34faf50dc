using System.Globalization;

namespace CloudSeg.Bench.Functions;

/// <summary>The benchmark's figures, printed next to the goals from the functions issue.</summary>
internal sealed record BenchReport(
    int Uploads, int Kills, int Succeeded, int Failed, int Lost, int DuplicateRows, int MissingResults, int Retried,
    int QueueLeft, int Poisoned, TimeSpan Elapsed, TimeSpan Downtime, long PeakResidentBytes,
    StageMedians MedianStageMs, IReadOnlyList<string> ModelVersions)
{
    private const double GoalImagesPerMinute = 300;

    public double ImagesPerMinute => Uploads / Elapsed.TotalMinutes;

    public double ImagesPerMinuteExcludingRestarts => Uploads / (Elapsed - Downtime).TotalMinutes;

    public void Print()
    {
        static string F(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        var lines = new (string What, string Measured, string Goal)[]
        {
            ("uploads", Uploads.ToString(CultureInfo.InvariantCulture), "1000"),
            ("host kills (SIGKILL) + restarts", Kills.ToString(CultureInfo.InvariantCulture), "2"),
            ("succeeded / failed", $"{Succeeded} / {Failed}", $"{Uploads} / 0"),
            ("lost (no final row)", Lost.ToString(CultureInfo.InvariantCulture), "0"),
            ("duplicate index rows", DuplicateRows.ToString(CultureInfo.InvariantCulture), "0"),
            ("missing or stale results", MissingResults.ToString(CultureInfo.InvariantCulture), "0"),
            ("images retried after a kill", Retried.ToString(CultureInfo.InvariantCulture), "-"),
            ("left in queue / poison queue", $"{QueueLeft} / {Poisoned}", "0 / 0"),
            ("wall time", Elapsed.ToString(@"m\:ss", CultureInfo.InvariantCulture), "-"),
            ("images/min (overall)", F(ImagesPerMinute), $">= {GoalImagesPerMinute}"),
            ("images/min (without restart time)", F(ImagesPerMinuteExcludingRestarts), $">= {GoalImagesPerMinute}"),
            ("restart downtime total", Downtime.ToString(@"m\:ss", CultureInfo.InvariantCulture), "-"),
            ("peak host memory (max RSS of a host)", $"{PeakResidentBytes / (1024.0 * 1024.0):0} MB", "bounded"),
            ("median ms per image: download / decode / segment / render / total",
                $"{F(MedianStageMs.Download)} / {F(MedianStageMs.Decode)} / {F(MedianStageMs.Segment)} / {F(MedianStageMs.Render)} / {F(MedianStageMs.Total)}", "-"),
            ("model versions", string.Join(", ", ModelVersions), "-"),
        };
        var width = lines.Max(l => l.What.Length);
        Console.WriteLine();
        Console.WriteLine($"{"measure".PadRight(width)} | measured | goal");
        foreach (var (what, measured, goal) in lines) Console.WriteLine($"{what.PadRight(width)} | {measured} | {goal}");
    }
}

/// <summary>Median milliseconds per stage over the processed images (from the index rows).</summary>
internal sealed record StageMedians(double Download, double Decode, double Segment, double Render, double Total);
