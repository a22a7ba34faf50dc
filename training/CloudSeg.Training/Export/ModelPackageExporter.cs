using System.Text.Json;
using CloudSeg.Inference;
using CloudSeg.ModelCards;
using CloudSeg.Onnx;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Engine;
using CloudSeg.Training.Import;
using CloudSeg.Training.Yolact;

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
        var metadata = new Dictionary<string, string>(Metadata(description))
        {
            [ExportedGraphWeights.OptionsMetadataKey] = JsonSerializer.Serialize(model.Options, Checkpoint.Json),
        };
        Write(MaskRcnnOnnxExporter.Export(model, description.CodeVersion ?? "unknown", metadata), card, directory);
        return card;
    }

    /// <summary>A YOLACT's package: <see cref="YolactOnnxExporter"/>'s graph and a card with architecture yolact and its
    /// S×S input size.</summary>
    public static ModelCard Export(YolactModel model, ModelPackageDescription description, string directory)
    {
        if (description.Classes.Count != model.Options.NumClasses)
            throw new ArgumentException(
                $"The model has {model.Options.NumClasses} classes (with background) but {description.Classes.Count} class names were given.");
        Directory.CreateDirectory(directory);
        var metadata = new Dictionary<string, string>(Metadata(description))
        {
            [SegmenterFactory.ArchitectureMetadataKey] = ModelArchitecture.Yolact.ToCardName(),
            // What a fine-tune from the graph alone (a package without model.bin) rebuilds: backbone layout, cut, sizes.
            [ExportedGraphWeights.YolactOptionsMetadataKey] = JsonSerializer.Serialize(model.Options, Checkpoint.Json),
        };
        var size = model.Options.ImageSize;
        var card = Card(description) with
        {
            Architecture = ModelArchitecture.Yolact,
            Input = new ModelInputSpec { Layout = "CHW", Color = "RGB", Range = [0f, 1f], MinSize = size, MaxSize = size },
        };
        Write(YolactOnnxExporter.Export(model, description.CodeVersion ?? "unknown", metadata), card, directory);
        return card;
    }

    static Dictionary<string, string> Metadata(ModelPackageDescription description) => new()
    {
        [FormatDetection.FormatMetadataKey] = FormatName,
        ["cloudseg.name"] = description.Name,
        ["cloudseg.version"] = description.Version,
    };

    static void Write(ModelProto onnx, ModelCard card, string directory)
    {
        var onnxPath = Path.Combine(directory, OnnxFileName);
        var cardPath = Path.Combine(directory, CardFileName);
        OnnxModelFile.Write(onnx, onnxPath + ".partial");
        card.Write(cardPath + ".partial");
        File.Move(onnxPath + ".partial", onnxPath, overwrite: true);
        File.Move(cardPath + ".partial", cardPath, overwrite: true);
    }

    private static ModelCard Card(MaskRcnn model, ModelPackageDescription description) => Card(description) with
    {
        // The graph resizes and normalises itself: it takes the plain upright image.
        Input = new ModelInputSpec { Layout = "CHW", Color = "RGB", Range = [0f, 1f], MinSize = model.Options.MinSize, MaxSize = model.Options.MaxSize },
        MaskPaste = ModelCard.MaskPasteName(model.Options.RoIHeads.MaskPasteMode()),
    };

    private static ModelCard Card(ModelPackageDescription description) => new()
    {
        Format = FormatName,
        Name = description.Name,
        Version = description.Version,
        Classes = description.Classes,
        ScoreThreshold = description.ScoreThreshold,
        MaskThreshold = description.MaskThreshold,
        Metrics = description.Metrics,
        Training = new TrainingInfo
        {
            DataDigest = description.DataDigest, CodeVersion = description.CodeVersion, Date = description.TrainedAt,
            Augmentation = description.Augmentation,
        },
    };
}
