using System.Text.Json;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Engine;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace CloudSeg.Training.Tests;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class TrainerTests : IDisposable
{
    readonly string _output = Directory.CreateTempSubdirectory("cloudseg-trainer-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    static MaskRcnnOptions TinyModel() => MaskRcnnOptions.Small(numClasses: 3, imageSize: 96) with { MaxSize = 128 };

    static TrainerOptions Options(int steps) => new()
    {
        Steps = steps, BatchSize = 2, LearningRate = 0.02, WarmupSteps = 3, Schedule = LearningRateScheduleKind.Step,
        Seed = 7, CheckpointEvery = 2, Threads = 2,
    };

    static MaskRcnn NewModel()
    {
        manual_seed(7);
        return new MaskRcnn(TinyModel());
    }

    static Task<string> Train(TrainerOptions options, string output, string? resumeFrom, IProgress<TrainingProgress>? progress = null) =>
        new Trainer(options, NullLogger<Trainer>.Instance).TrainAsync(NewModel(), new SyntheticBatches(2, 2), ["__background__", "rectangle", "disc"],
            output, resumeFrom, progress, CancellationToken.None);

    static List<JsonElement> ReadMetrics(string output) => File.ReadAllLines(Path.Combine(output, MetricsLog.FileName))
        .Select(line => JsonDocument.Parse(line).RootElement).ToList();

    [Fact]
    public async Task Loss_decreases_on_a_tiny_synthetic_batch()
    {
        var totals = new List<double>();
        await Train(Options(24) with { CheckpointEvery = 100 }, _output, null,
            new SynchronousProgress(p => totals.Add(p.Losses.Values.Sum())));

        Assert.Equal(24, totals.Count);
        double first = totals.Take(3).Average(), last = totals.TakeLast(3).Average();
        Assert.True(last < 0.6 * first, $"loss went from {first:F3} to {last:F3}");
    }

    [Fact]
    public async Task Resuming_from_a_checkpoint_reproduces_the_next_losses_exactly()
    {
        string uninterrupted = Path.Combine(_output, "a"), resumed = Path.Combine(_output, "b");
        await Train(Options(4), uninterrupted, null);
        string checkpoint = Path.Combine(uninterrupted, Trainer.CheckpointsFolder, "step-000002");
        Assert.Equal(2, Checkpoint.ReadInfo(checkpoint).Step);

        // A fresh process would start from the checkpoint's files only: copy them, then continue to step 4.
        Directory.CreateDirectory(resumed);
        await Train(Options(4), resumed, checkpoint);

        var expected = ReadMetrics(uninterrupted).Where(m => m.GetProperty("step").GetInt32() > 2).ToList();
        var actual = ReadMetrics(resumed);
        Assert.Equal(new[] { 3, 4 }, actual.Select(m => m.GetProperty("step").GetInt32()));
        foreach (var name in new[] { "rpn_class_loss", "rpn_bbox_loss", "fastrcnn_class_loss", "fastrcnn_bbox_loss", "maskrcnn_mask_loss", "maskiou_loss", "lr" })
            Assert.Equal(expected.Select(m => m.GetProperty(name).GetDouble()), actual.Select(m => m.GetProperty(name).GetDouble()));
    }

    [Fact]
    public void Learning_rate_warms_up_linearly_then_follows_the_schedule()
    {
        var step = new TrainerOptions { LearningRate = 0.1, WarmupSteps = 10, WarmupFactor = 0.1, Schedule = LearningRateScheduleKind.Step, StepMilestones = [0.5, 0.75] };
        Assert.Equal(0.01, LearningRateSchedule.At(0, 100, step), 9);
        Assert.Equal(0.055, LearningRateSchedule.At(5, 100, step), 9);
        Assert.Equal(0.1, LearningRateSchedule.At(49, 100, step), 9);
        Assert.Equal(0.01, LearningRateSchedule.At(50, 100, step), 9);
        Assert.Equal(0.001, LearningRateSchedule.At(99, 100, step), 9);

        var cosine = step with { WarmupSteps = 0, Schedule = LearningRateScheduleKind.Cosine };
        Assert.Equal(0.1, LearningRateSchedule.At(0, 100, cosine), 9);
        Assert.Equal(0.05, LearningRateSchedule.At(50, 100, cosine), 9);
        Assert.Equal(0.0, LearningRateSchedule.At(100, 100, cosine), 9);
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests need the report before the next step.</summary>
    sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
