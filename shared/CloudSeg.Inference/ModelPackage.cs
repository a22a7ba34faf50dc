using CloudSeg.ModelCards;

namespace CloudSeg.Inference;

/// <summary>
/// Where a model's files are: the ONNX graph and, when there is one, its card. A package is given either as a
/// directory holding <c>model.onnx</c> (+ <c>model.card.json</c>) or as an .onnx file whose card is
/// <c>&lt;stem&gt;.card.json</c> or <c>model.card.json</c> beside it.
/// </summary>
public sealed record ModelPackage(string OnnxPath, string? CardPath)
{
    public const string OnnxFileName = "model.onnx";
    public const string CardFileName = "model.card.json";
    public const string Int8OnnxFileName = "model.int8.onnx";

    public static ModelPackage Locate(string modelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        if (Directory.Exists(modelPath))
        {
            var onnx = Path.Combine(modelPath, OnnxFileName);
            if (!File.Exists(onnx))
                throw new FileNotFoundException($"Model directory {modelPath} has no {OnnxFileName}.", onnx);
            var card = Path.Combine(modelPath, CardFileName);
            return new ModelPackage(onnx, File.Exists(card) ? card : null);
        }

        if (!File.Exists(modelPath))
            throw new FileNotFoundException($"Model {modelPath} does not exist (give an .onnx file or a directory holding {OnnxFileName}).", modelPath);
        var directory = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        string[] candidates =
        [
            Path.Combine(directory, Path.GetFileNameWithoutExtension(modelPath) + ".card.json"),
            Path.Combine(directory, CardFileName),
        ];
        return new ModelPackage(modelPath, candidates.FirstOrDefault(File.Exists));
    }

    /// <summary>The int8 twin of the graph (<c>model.int8.onnx</c> beside <c>model.onnx</c>, <c>&lt;stem&gt;.int8.onnx</c>
    /// beside another file name), or null when the package has none.</summary>
    public string? Int8OnnxPath => Path.ChangeExtension(OnnxPath, ".int8.onnx") is var path && File.Exists(path) ? path : null;

    /// <summary>The card, or an empty one (format detected from the graph, numbered class names) when there is none.</summary>
    public ModelCard ReadCard() => CardPath is null ? new ModelCard { Name = Path.GetFileNameWithoutExtension(OnnxPath) } : ModelCard.Read(CardPath);
}

/// <summary>Reads a class-names file: one name per line, in label order. A file that does not start with a background
/// entry (like the model zoo's coco_classes.txt, whose line 1 is label 1) gets "__background__" prepended.</summary>
public static class ClassNamesFile
{
    public static IReadOnlyList<string> Read(string path)
    {
        var names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (names.Count == 0)
            throw new InvalidDataException($"Class names file {path} has no names.");
        var first = names[0].ToLowerInvariant();
        if (first is not ("__background__" or "background" or "__bg__" or "bg"))
            names.Insert(0, "__background__");
        return names;
    }
}
