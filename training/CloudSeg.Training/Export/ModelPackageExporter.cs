using CloudSeg.Inference;
using CloudSeg.ModelCards;
using CloudSeg.Onnx;
using CloudSeg.Training.Detection;

namespace CloudSeg.Training.Export;

/// <summary>
/// Writes a model package the inference engine loads: <c>model.onnx</c> (the <c>cloudseg</c> graph, see
/// <see cref="MaskRcnnOnnxExporter"/>) and <c>model.card.json</c>. Both files are written under temporary names and
/// renamed at the end, so a failed export never leaves a half-written package behind an old one.
/// </summary>
public static class ModelPackageExporter
{
    public const string OnnxFileName = "model.onnx", CardFileName = "model.card.json";
    public const string FormatName = "cloudseg";

    public static ModelCard Export(MaskRcnn model, ModelPackageDescription description, string directory)
    {
        if (description.Classes.Count != model.Options.NumClasses)
            throw new ArgumentException(
                $"The model has {model.Options.NumClasses} classes (with background) but {description.Classes.Count} class names were given.");
        Directory.CreateDirectory(directory);
        var card = Card(model, description);
        var metadata = new Dictionary<string, string>
        {
            [FormatDetection.FormatMetadataKey] = FormatName,
            ["cloudseg.name"] = description.Name,
            ["cloudseg.version"] = description.Version,
        };
        var onnx = MaskRcnnOnnxExporter.Export(model, description.CodeVersion ?? "unknown", metadata);

        var onnxPath = Path.Combine(directory, OnnxFileName);
        var cardPath = Path.Combine(directory, CardFileName);
        OnnxModelFile.Write(onnx, onnxPath + ".partial");
        card.Write(cardPath + ".partial");
        File.Move(onnxPath + ".partial", onnxPath, overwrite: true);
        File.Move(cardPath + ".partial", cardPath, overwrite: true);
        return card;
    }

    private static ModelCard Card(MaskRcnn model, ModelPackageDescription description) => new()
    {
        Format = FormatName,
        Name = description.Name,
        Version = description.Version,
        Classes = description.Classes,
        // The graph resizes and normalises itself: it takes the plain upright image.
        Input = new ModelInputSpec { Layout = "CHW", Color = "RGB", Range = [0f, 1f], MinSize = model.Options.MinSize, MaxSize = model.Options.MaxSize },
        ScoreThreshold = description.ScoreThreshold,
        MaskThreshold = description.MaskThreshold,
        MaskPaste = ModelCard.MaskPasteName(model.Options.RoIHeads.MaskPasteMode()),
        Metrics = description.Metrics,
        Training = new TrainingInfo { DataDigest = description.DataDigest, CodeVersion = description.CodeVersion, Date = description.TrainedAt },
    };
}
