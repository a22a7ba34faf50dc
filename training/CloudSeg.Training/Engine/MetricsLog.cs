using System.Text.Json;

namespace CloudSeg.Training.Engine;

/// <summary>
/// The run's metrics as JSON lines (metrics.jsonl), one object per logged step:
/// {"step": 10, "lr": 0.0012, "seconds": 31.5, "loss": 3.2, "rpn_class_loss": …, …}. The dashboard plots it;
/// each line is flushed, so a crash loses nothing already reported. On resume, lines past the checkpoint are dropped,
/// and so is a line cut short by a crash or a full disk.
/// </summary>
public sealed class MetricsLog : IAsyncDisposable
{
    public const string FileName = "metrics.jsonl";
    readonly StreamWriter _writer;

    MetricsLog(StreamWriter writer) => _writer = writer;

    public static MetricsLog Open(string outputDirectory, int resumeFromStep)
    {
        string path = Path.Combine(outputDirectory, FileName);
        if (File.Exists(path))
        {
            var kept = File.ReadAllLines(path).Where(line => StepOf(line) is { } step && step <= resumeFromStep).ToArray();
            File.WriteAllLines(path, kept);
        }
        return new MetricsLog(new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)));
    }

    static int? StepOf(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.TryGetProperty("step", out var step) ? step.GetInt32() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async Task WriteAsync(TrainingProgress progress, CancellationToken cancellationToken)
    {
        var entry = new Dictionary<string, object>
        {
            ["step"] = progress.Step,
            ["lr"] = progress.LearningRate,
            ["seconds"] = Math.Round(progress.Elapsed.TotalSeconds, 3),
            ["loss"] = progress.Losses.Values.Sum(),
        };
        foreach (var (name, value) in progress.Losses) entry[name] = value;
        await _writer.WriteLineAsync(JsonSerializer.Serialize(entry).AsMemory(), cancellationToken);
        await _writer.FlushAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
