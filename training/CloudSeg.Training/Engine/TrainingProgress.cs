namespace CloudSeg.Training.Engine;

/// <summary>One finished optimiser step: its losses (by the seed's names), learning rate and the run's elapsed time.</summary>
public sealed record TrainingProgress(
    int Step,
    int TotalSteps,
    double LearningRate,
    IReadOnlyDictionary<string, double> Losses,
    TimeSpan Elapsed);
