namespace CloudSeg.Training.Engine;

/// <summary>How a training run proceeds (configuration section "Training").</summary>
public sealed record TrainerOptions
{
    /// <summary>Optimiser steps; when 0, <see cref="Epochs"/> passes over the training set decide.</summary>
    public int Steps { get; init; }
    public int Epochs { get; init; } = 1;
    public int BatchSize { get; init; } = 2;
    /// <summary>Base learning rate (torchvision's reference uses 0.02 for 16 images per batch, i.e. 0.00125 per image).</summary>
    public double LearningRate { get; init; } = 0.02;
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 1e-4;
    /// <summary>Linear warm-up from <see cref="WarmupFactor"/> × LR to LR over these steps, so early large gradients of an untrained RPN do not blow up.</summary>
    public int WarmupSteps { get; init; } = 100;
    public double WarmupFactor { get; init; } = 0.001;
    public LearningRateScheduleKind Schedule { get; init; } = LearningRateScheduleKind.Cosine;
    /// <summary>For the step schedule: fractions of the run after which the LR is multiplied by <see cref="Gamma"/>.</summary>
    public double[] StepMilestones { get; init; } = { 0.67, 0.89 };
    public double Gamma { get; init; } = 0.1;
    /// <summary>Max global gradient L2 norm; 0 disables clipping.</summary>
    public double GradientClipNorm { get; init; } = 10.0;
    public long Seed { get; init; } = 1;
    /// <summary>TorchSharp intra-op threads; 0 keeps the default (all cores).</summary>
    public int Threads { get; init; }
    public int CheckpointEvery { get; init; } = 500;
    /// <summary>Keep only this many most recent step checkpoints (the final model is always kept).</summary>
    public int KeepCheckpoints { get; init; } = 2;

    public void Validate()
    {
        if (Steps < 0 || (Steps == 0 && Epochs <= 0)) throw new ArgumentException("Set a positive number of steps or epochs.");
        if (BatchSize <= 0) throw new ArgumentException("The batch size must be positive.");
        if (LearningRate <= 0) throw new ArgumentException("The learning rate must be positive.");
        if (WarmupSteps < 0 || WarmupFactor is <= 0 or > 1) throw new ArgumentException("Warm-up needs steps ≥ 0 and a factor in (0, 1].");
        if (GradientClipNorm < 0) throw new ArgumentException("The gradient clip norm must not be negative.");
        if (CheckpointEvery <= 0) throw new ArgumentException("CheckpointEvery must be positive.");
    }
}

public enum LearningRateScheduleKind
{
    Step,
    Cosine,
}
