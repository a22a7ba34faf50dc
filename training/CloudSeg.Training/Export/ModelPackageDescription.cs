using CloudSeg.Inference;
using CloudSeg.ModelCards;

namespace CloudSeg.Training.Export;

/// <summary>What the model card says besides what the model itself knows (architecture, thresholds baked in the graph).</summary>
/// <param name="Classes">Class names by label; index 0 is the background.</param>
/// <param name="Metrics">COCO evaluation of the model (e.g. <c>cloudseg eval --json</c> output), if measured.</param>
/// <param name="DataDigest">Digest of the training data (see <see cref="TrainingDataDigest"/>).</param>
/// <param name="CodeVersion">The code that trained it: a git commit (see <see cref="CodeVersion"/>).</param>
/// <param name="Augmentation">The training augmentation in words (see <c>AugmentationOptions.Describe</c>).</param>
public sealed record ModelPackageDescription(
    string Name,
    string Version,
    IReadOnlyList<string> Classes,
    ModelMetrics? Metrics = null,
    string? DataDigest = null,
    string? CodeVersion = null,
    DateTimeOffset? TrainedAt = null,
    float ScoreThreshold = 0.5f,
    float MaskThreshold = 0.5f,
    string? Augmentation = null);
