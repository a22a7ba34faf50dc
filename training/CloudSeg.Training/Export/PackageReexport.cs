using CloudSeg.ModelCards;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Engine;

namespace CloudSeg.Training.Export;

/// <summary>
/// Re-exports a cloudseg package that ships without its training weights (like the bundled default model) with this
/// build's exporter: the model is rebuilt from the graph's own initializers (<see cref="WarmStart"/>: batch norm
/// folded at export comes back as identity + folded bias, the same function) and the card keeps what it said about
/// training (name, version, metrics, data digest, the code that trained it, date) unless the request overrides it.
/// This is how a graph improvement (e.g. a faster RoIAlign) reaches models whose checkpoints are gone.
/// </summary>
internal static class PackageReexport
{
    public static bool IsPackage(string directory) =>
        File.Exists(Path.Combine(directory, ModelPackageExporter.CardFileName))
        && File.Exists(Path.Combine(directory, ModelPackageExporter.OnnxFileName))
        && !File.Exists(Path.Combine(directory, Checkpoint.InfoFileName));

    public static (MaskRcnn Model, ModelPackageDescription Description) Load(string directory, CheckpointExportRequest request, ModelMetrics? metrics,
        string? dataDigest)
    {
        var card = ModelCard.Read(Path.Combine(directory, ModelPackageExporter.CardFileName));
        using var warm = WarmStart.Open(directory, card.Classes.Count, out var reason)
            ?? throw new InvalidDataException($"{directory} cannot be re-exported: {reason}.");
        var model = new MaskRcnn(request.ForInference(warm.Options));
        warm.LoadInto(model, card.Classes);
        model.eval();
        return (model, new ModelPackageDescription(
            request.Name ?? card.Name, request.Version ?? card.Version, card.Classes,
            metrics ?? card.Metrics, dataDigest ?? card.Training?.DataDigest, card.Training?.CodeVersion, card.Training?.Date,
            request.ScoreThreshold, request.MaskThreshold, card.Training?.Augmentation));
    }
}
