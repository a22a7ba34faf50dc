using System.Globalization;

namespace CloudSeg.Datasets.Augmentation;

/// <summary>Training-time augmentation (configuration section "Training:Augmentation").</summary>
public sealed record AugmentationOptions
{
    public double HorizontalFlipProbability { get; init; } = 0.5;

    /// <summary>
    /// Scale jitter of the whole picture: resized by a factor drawn uniformly from [MinScale, MaxScale]. A model that
    /// resizes its input to a fixed size undoes it; <see cref="JitterMinScale"/> changes the objects' size instead.
    /// </summary>
    public double MinScale { get; init; } = 1.0;

    public double MaxScale { get; init; } = 1.0;

    /// <summary>Large-scale jitter on a fixed canvas (<see cref="LargeScaleJitter"/>): content scale range; 1–1 is off.</summary>
    public double JitterMinScale { get; init; } = 1.0;

    public double JitterMaxScale { get; init; } = 1.0;

    /// <summary>SSD's photometric distortion (<see cref="PhotometricDistortion"/>) on every picture.</summary>
    public bool PhotometricDistortion { get; init; }

    /// <summary>Gaussian pixel noise on half the pictures, σ uniform in [0, NoiseSigma] levels of 255; 0 is off.</summary>
    public double NoiseSigma { get; init; }

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
        if (JitterMinScale <= 0 || JitterMaxScale < JitterMinScale)
        {
            throw new ArgumentOutOfRangeException(nameof(JitterMaxScale), "Large-scale jitter needs 0 < min <= max.");
        }
        if (NoiseSigma is < 0 or > 128)
        {
            throw new ArgumentOutOfRangeException(nameof(NoiseSigma), "Noise sigma must be between 0 and 128 levels.");
        }
    }

    /// <summary>One line for the model card's training section, e.g. "flip 0.5, large-scale jitter 0.5–1.5, …".</summary>
    public string Describe()
    {
        static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
        var parts = new List<string> { $"horizontal flip {F(HorizontalFlipProbability)}" };
        if (MinScale != 1 || MaxScale != 1) parts.Add($"picture resize {F(MinScale)}–{F(MaxScale)}");
        if (JitterMinScale != 1 || JitterMaxScale != 1) parts.Add($"large-scale jitter {F(JitterMinScale)}–{F(JitterMaxScale)} (fixed canvas)");
        if (PhotometricDistortion) parts.Add("SSD photometric distortion (brightness ±32, contrast 0.5–1.5, saturation 0.5–1.5, hue ±18°)");
        if (NoiseSigma > 0) parts.Add($"Gaussian noise σ ≤ {F(NoiseSigma)} on half the pictures");
        return string.Join(", ", parts);
    }
}
