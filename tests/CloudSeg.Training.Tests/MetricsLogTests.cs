using System.Text.Json;
using CloudSeg.Training.Engine;

namespace CloudSeg.Training.Tests;

public sealed class MetricsLogTests : IDisposable
{
    readonly string _output = Directory.CreateTempSubdirectory("cloudseg-metrics-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public async Task Resume_keeps_steps_up_to_the_checkpoint_and_drops_a_line_cut_short()
    {
        string path = Path.Combine(_output, MetricsLog.FileName);
        await File.WriteAllTextAsync(path,
            "{\"step\":1,\"loss\":2.0}\n{\"step\":2,\"loss\":1.5}\n{\"step\":3,\"loss\":1.2}\n{\"step\":4,\"lo");

        await using (var log = MetricsLog.Open(_output, resumeFromStep: 2))
        {
            var losses = new Dictionary<string, double> { ["rpn_class_loss"] = 0.25, ["maskiou_loss"] = 0.5 };
            await log.WriteAsync(new TrainingProgress(3, 10, 0.01, losses, TimeSpan.FromSeconds(12.5)), CancellationToken.None);
        }

        var lines = (await File.ReadAllLinesAsync(path)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(new[] { 1, 2, 3 }, lines.Select(l => l.GetProperty("step").GetInt32()));
        var written = lines[2];
        Assert.Equal(0.75, written.GetProperty("loss").GetDouble(), 9);
        Assert.Equal(0.01, written.GetProperty("lr").GetDouble(), 9);
        Assert.Equal(12.5, written.GetProperty("seconds").GetDouble(), 9);
        Assert.Equal(0.5, written.GetProperty("maskiou_loss").GetDouble(), 9);
    }
}
