using CloudSeg.Training.Backbone;
using CloudSeg.Training.Engine;

namespace CloudSeg.Retraining;

/// <summary>
/// How the training job trains and decides (configuration section <c>Training</c>, shared with the functions'
/// scheduling options). The architecture is used only when the current model cannot be fine-tuned.
/// </summary>
public sealed class RetrainingOptions
{
    public const string SectionName = "Training";

    /// <summary>Optimiser steps of a run that asks for no length (a request's RequestedSteps wins).</summary>
    public int Steps { get; set; } = 200;

    public int BatchSize { get; set; } = 2;

    /// <summary>
    /// Fine-tuning rate, far below the bundled model's from-scratch 0.05 so a short run refines rather than unlearns
    /// (docs/benchmarks.md, "Retraining", was measured with it).
    /// </summary>
    public double LearningRate { get; set; } = 0.003;

    public int WarmupSteps { get; set; } = 20;

    /// <summary>TorchSharp and ONNX Runtime threads; 0 = all cores.</summary>
    public int Threads { get; set; }

    public long Seed { get; set; } = 1;

    /// <summary>From scratch only: the architecture and input size (the seeded shapes set is 128 px).</summary>
    public ModelSize Size { get; set; } = ModelSize.Small;
    public ResNetDepth Backbone { get; set; } = ResNetDepth.ResNet18;
    public int ImageSize { get; set; } = 128;

    /// <summary>A candidate is promoted only when its mask AP ≥ the current model's + this (both measured on the same val split).</summary>
    public double MinImprovement { get; set; }

    /// <summary>Detections kept for the AP measurement (COCO AP needs low-score detections too).</summary>
    public float EvaluationScoreThreshold { get; set; } = 0.05f;

    /// <summary>How often the job writes its progress and heartbeat to the run row.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Folder for local runs: one sub-folder per run with its data, models and output.</summary>
    public string WorkDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "cloudseg-training");

    /// <summary>The first problem with these settings, or null when they are usable.</summary>
    public string? Problem() =>
        Steps <= 0 ? "Training:Steps must be positive."
        : BatchSize <= 0 ? "Training:BatchSize must be positive."
        : LearningRate is <= 0 or > 1 ? "Training:LearningRate must be in (0, 1]."
        : WarmupSteps < 0 ? "Training:WarmupSteps must not be negative."
        : Threads < 0 ? "Training:Threads must not be negative (0 = all cores)."
        : ImageSize is < 32 or > 4096 ? "Training:ImageSize must be between 32 and 4096."
        : MinImprovement is < 0 or > 1 ? "Training:MinImprovement must be between 0 and 1 (mask AP points)."
        : EvaluationScoreThreshold is < 0 or >= 1 ? "Training:EvaluationScoreThreshold must be in [0, 1)."
        : HeartbeatInterval <= TimeSpan.Zero ? "Training:HeartbeatInterval must be positive."
        : null;

    public TrainerOptions Trainer(int steps) => new()
    {
        Steps = steps,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        WarmupSteps = Math.Min(WarmupSteps, steps),
        Threads = Threads,
        Seed = Seed,
        CheckpointEvery = Math.Max(steps, 1),
    };
}
