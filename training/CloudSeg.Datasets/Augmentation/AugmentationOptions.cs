namespace CloudSeg.Datasets.Augmentation;

/// <summary>Training-time augmentation (configuration section "Training:Augmentation").</summary>
public sealed record AugmentationOptions
{
    public double HorizontalFlipProbability { get; init; } = 0.5;

    /// <summary>Scale jitter: each picture is resized by a factor drawn uniformly from [MinScale, MaxScale].</summary>
    public double MinScale { get; init; } = 1.0;

    public double MaxScale { get; init; } = 1.0;

    public void Validate()
    {
        if (HorizontalFlipProbability is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(HorizontalFlipProbability), "Must be between 0 and 1.");
        }
        if (MinScale <= 0 || MaxScale < MinScale)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxScale), "Scale jitter needs 0 < MinScale <= MaxScale.");
        }
    }
}
