using System.Diagnostics;
using CloudSeg.Training.Detection;
using Microsoft.Extensions.Logging;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Engine;

/// <summary>
/// Trains a model (Mask R-CNN or YOLACT, see <see cref="ITrainableModel"/>) with SGD (momentum, weight decay), warm-up and a step or cosine schedule, clipping the global
/// gradient norm. Every <see cref="TrainerOptions.CheckpointEvery"/> steps it writes a checkpoint that resumes exactly
/// (weights, momentum, step, random generator); every step goes to metrics.jsonl and to the progress callback.
/// Output directory: metrics.jsonl, checkpoints/step-NNNNNN/, and model/ (the final checkpoint).
/// </summary>
public sealed class Trainer(TrainerOptions options, ILogger<Trainer> logger)
{
    public const string CheckpointsFolder = "checkpoints";
    public const string FinalModelFolder = "model";

    /// <summary>Steps the run will take over a loader with <paramref name="batchesPerEpoch"/> batches.</summary>
    public int TotalSteps(int batchesPerEpoch) => options.Steps > 0 ? options.Steps : options.Epochs * batchesPerEpoch;

    /// <param name="model">Freshly built (seeded) model; when resuming, its weights are replaced by the checkpoint's.</param>
    /// <param name="resumeFrom">A checkpoint directory to continue from, or null to start at step 0.</param>
    /// <returns>The final model's checkpoint directory.</returns>
    public async Task<string> TrainAsync<TModel>(TModel model, ITrainingBatches data, IReadOnlyList<string> classes,
        string outputDirectory, string? resumeFrom, IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken) where TModel : nn.Module, ITrainableModel
    {
        options.Validate();
        if (options.Threads > 0) set_num_threads(options.Threads);
        if (!NativeHeap.KeepFreedMemory())
            logger.LogWarning("This C library cannot keep freed memory for reuse; training steps will spend time page-faulting");
        Directory.CreateDirectory(outputDirectory);
        int totalSteps = TotalSteps(data.BatchesPerEpoch);

        model.train();
        var trainable = model.parameters().Where(p => p.requires_grad).ToArray();
        using var optimizer = optim.SGD(trainable, options.LearningRate, momentum: options.Momentum,
            weight_decay: options.WeightDecay);

        int startStep = 0;
        double previousSeconds = 0;
        if (resumeFrom is not null)
        {
            var info = Checkpoint.ReadInfo(resumeFrom);
            if (!SameArchitecture(info.Model, (model as MaskRcnn)?.Options) || !SameArchitecture(info.Yolact, (model as Yolact.YolactModel)?.Options))
                throw new InvalidOperationException($"Checkpoint {resumeFrom} has a different architecture than the model to train.");
            model.load(Path.Combine(resumeFrom, Checkpoint.ModelFileName));
            Checkpoint.LoadOptimizer(resumeFrom, optimizer);
            Checkpoint.RestoreRngState(info.TorchRngState);
            (startStep, previousSeconds) = (info.Step, info.ElapsedSeconds);
            logger.LogInformation("Resuming from {Checkpoint} at step {Step} of {TotalSteps}", resumeFrom, startStep, totalSteps);
        }
        else
        {
            manual_seed(options.Seed);
        }

        await using var metrics = MetricsLog.Open(outputDirectory, startStep);
        var clock = Stopwatch.StartNew();
        TimeSpan Elapsed() => TimeSpan.FromSeconds(previousSeconds) + clock.Elapsed;
        CheckpointInfo InfoAt(int step) => new(step, totalSteps, (model as MaskRcnn)?.Options, options, classes,
            Checkpoint.CaptureRngState(), Elapsed().TotalSeconds, (model as Yolact.YolactModel)?.Options, data.Augmentation);

        logger.LogInformation("Training {Steps} steps ({BatchSize} images each) into {Output}", totalSteps, data.BatchSize, outputDirectory);
        for (int step = startStep; step < totalSteps; step++)
        {
            // Decoded on this thread on purpose: TorchSharp passes temporary Scalars to native code without keeping
            // them alive, so a garbage collection triggered by another allocating thread mid-call can free one in use
            // (seen as a random "toFloat" assertion after hundreds of steps). Fewer allocating threads, fewer such GCs.
            var batch = await data.ReadBatchAsync(step, cancellationToken);
            double learningRate = LearningRateSchedule.At(step, totalSteps, options);
            var losses = TrainStep(model, optimizer, trainable, batch, learningRate);
            var report = new TrainingProgress(step + 1, totalSteps, learningRate, losses, Elapsed());
            await metrics.WriteAsync(report, cancellationToken);
            progress?.Report(report);

            if ((step + 1) % options.CheckpointEvery == 0 && step + 1 < totalSteps)
            {
                string directory = Path.Combine(outputDirectory, CheckpointsFolder, $"step-{step + 1:D6}");
                Checkpoint.Save(directory, model, optimizer, InfoAt(step + 1));
                PruneCheckpoints(outputDirectory);
                logger.LogInformation("Checkpoint {Checkpoint} saved", directory);
            }
            cancellationToken.ThrowIfCancellationRequested();
        }

        string final = Path.Combine(outputDirectory, FinalModelFolder);
        Checkpoint.Save(final, model, optimizer, InfoAt(totalSteps));
        logger.LogInformation("Trained {Steps} steps in {Seconds:F0} s; model saved to {Model}", totalSteps, Elapsed().TotalSeconds, final);
        model.eval();
        return final;
    }

    /// <summary>One SGD step on a batch: forward, losses, backward, clipping, update. Returns the losses.</summary>
    public Dictionary<string, double> TrainStep(ITrainableModel model, OptimizerHelper optimizer, Parameter[] trainable,
        IReadOnlyList<PreparedSample> batch, double learningRate)
    {
        using var scope = NewDisposeScope();
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
        var (images, targets) = DetectionDataLoader.ToTensors(batch);
        var losses = model.ComputeLosses(images, targets);
        var total = stack(losses.Values.ToArray()).sum();
        var values = losses.ToDictionary(l => l.Key, l => (double)l.Value.item<float>());
        if (!double.IsFinite(total.item<float>()))
            throw new InvalidOperationException(
                $"The loss diverged ({string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"))}); lower the learning rate or lengthen the warm-up.");

        optimizer.zero_grad();
        total.backward();
        if (options.GradientClipNorm > 0) nn.utils.clip_grad_norm_(trainable, options.GradientClipNorm);
        optimizer.step();
        return values;
    }

    // Records compare arrays by reference, so compare the serialised form.
    static bool SameArchitecture(object? a, object? b) =>
        System.Text.Json.JsonSerializer.Serialize(a, Checkpoint.Json) == System.Text.Json.JsonSerializer.Serialize(b, Checkpoint.Json);

    void PruneCheckpoints(string outputDirectory)
    {
        var stale = Directory.GetDirectories(Path.Combine(outputDirectory, CheckpointsFolder), "step-*")
            .Where(d => !d.EndsWith(".partial")).Order().SkipLast(options.KeepCheckpoints);
        foreach (var directory in stale) Directory.Delete(directory, recursive: true);
    }

    /// <summary>The newest step checkpoint in an output directory, or null when there is none.</summary>
    public static string? LatestCheckpoint(string outputDirectory)
    {
        string folder = Path.Combine(outputDirectory, CheckpointsFolder);
        return Directory.Exists(folder)
            ? Directory.GetDirectories(folder, "step-*").Where(d => !d.EndsWith(".partial")).Order().LastOrDefault()
            : null;
    }
}
