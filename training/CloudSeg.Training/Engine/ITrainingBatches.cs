namespace CloudSeg.Training.Engine;

/// <summary>Where a training run's batches come from; the batch of a step must depend only on the step, so resumes are exact.</summary>
public interface ITrainingBatches
{
    int BatchSize { get; }

    /// <summary>Batches per epoch; the last one may be smaller.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>Decoded samples of the batch used at <paramref name="step"/> (0-based).</summary>
    Task<IReadOnlyList<PreparedSample>> ReadBatchAsync(int step, CancellationToken cancellationToken);

    /// <summary>The augmentation the batches went through, in words for the model card; null when none.</summary>
    string? Augmentation => null;
}
