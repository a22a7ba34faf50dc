using CloudSeg.Inference;
using CloudSeg.ModelCards;
using CloudSeg.Onnx;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Import;
using static TorchSharp.torch;

namespace CloudSeg.Training.Engine;

/// <summary>
/// Fine-tuning from a model package (the current production model): the model to train keeps the package's
/// architecture and weights, with the dataset's classes. Class-specific head rows (box classifier, box regression,
/// mask logits, MaskIoU) are copied by class name; a class the package does not know keeps freshly initialised rows.
/// Weights come from the package's training weights (model.bin + checkpoint.json) when it has them, else from the
/// initializers of its exported graph (see <see cref="ExportedGraphWeights"/>).
/// </summary>
public sealed class WarmStart : IDisposable
{
    /// <summary>Class-indexed tensors and how many rows each class has (box regression: 4 deltas).</summary>
    private static readonly (string Name, int RowsPerClass)[] ClassRows =
    [
        ("roi_heads.box_predictor.cls_score.weight", 1), ("roi_heads.box_predictor.cls_score.bias", 1),
        ("roi_heads.box_predictor.bbox_pred.weight", 4), ("roi_heads.box_predictor.bbox_pred.bias", 4),
        ("roi_heads.mask_predictor.mask_fcn_logits.weight", 1), ("roi_heads.mask_predictor.mask_fcn_logits.bias", 1),
        ("roi_heads.maskiou_head.maskiou.weight", 1), ("roi_heads.maskiou_head.maskiou.bias", 1),
    ];

    private readonly Dictionary<string, Tensor> _weights;
    private readonly IReadOnlyList<string> _sourceClasses;

    private WarmStart(MaskRcnnOptions options, Dictionary<string, Tensor> weights, IReadOnlyList<string> sourceClasses, string modelName)
    {
        Options = options;
        _weights = weights;
        _sourceClasses = sourceClasses;
        ModelName = modelName;
    }

    /// <summary>The architecture to build, with the dataset's number of classes.</summary>
    public MaskRcnnOptions Options { get; }

    /// <summary>The package's version (or name), for the run's description.</summary>
    public string ModelName { get; }

    /// <summary>
    /// Reads the package. Returns null with <paramref name="reason"/> when it cannot be fine-tuned (another format, an
    /// architecture the trainer does not build).
    /// </summary>
    public static WarmStart? Open(string packageDirectory, int numClasses, out string reason)
    {
        var card = ModelCard.Read(Path.Combine(packageDirectory, Export.ModelPackageExporter.CardFileName));
        var name = card.Version;
        if (card.Architecture != ModelArchitecture.MaskRcnn)
        {
            reason = $"the current model {name} is a {card.Architecture.ToCardName()} model; this run trains mask_rcnn";
            return null;
        }
        if (File.Exists(Path.Combine(packageDirectory, Checkpoint.InfoFileName)))
        {
            var (source, info) = Checkpoint.LoadModel(packageDirectory);
            using (source)
            {
                var weights = source.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone(), StringComparer.Ordinal);
                reason = "";
                return new WarmStart(info.MaskRcnn with { NumClasses = numClasses }, weights, info.Classes, name);
            }
        }
        if (card.Format != Export.ModelPackageExporter.FormatName)
        {
            reason = $"the current model {name} is a {card.Format ?? "foreign"} model without training weights";
            return null;
        }
        var onnx = OnnxModelFile.Read(Path.Combine(packageDirectory, Export.ModelPackageExporter.OnnxFileName));
        var initializers = ExportedGraphWeights.ReadInitializers(onnx.Graph);
        var why = "";
        var options = ExportedGraphWeights.RecordedOptions(onnx, numClasses)
            ?? ExportedGraphWeights.InferOptions(initializers, numClasses, card.Input?.MinSize ?? 800, card.Input?.MaxSize ?? 1333, out why);
        if (options is null)
        {
            foreach (var t in initializers.Values) t.Dispose();
            reason = $"the current model {name}: {why}";
            return null;
        }
        reason = "";
        return new WarmStart(options, initializers, card.Classes, name);
    }

    /// <summary>
    /// Loads the weights into <paramref name="model"/> (built from <see cref="Options"/>, freshly initialised).
    /// Throws <see cref="InvalidDataException"/> when a tensor other than the class rows is missing or of another shape.
    /// Returns the dataset classes the package did not know (their head rows stay fresh).
    /// </summary>
    public IReadOnlyList<string> LoadInto(MaskRcnn model, IReadOnlyList<string> classes)
    {
        var target = model.state_dict();
        var source = _weights.Keys.Any(k => k.EndsWith(".folded_bias", StringComparison.Ordinal))
            ? ExportedGraphWeights.ToStateDict(_weights, model)
            : _weights;
        try
        {
            return LoadInto(model, classes, target, source);
        }
        finally
        {
            // The identity batch-norm tensors made for the graph's folded ones belong to this call.
            ExportedGraphWeights.DisposeMadeTensors(source, _weights);
        }
    }

    private IReadOnlyList<string> LoadInto(MaskRcnn model, IReadOnlyList<string> classes, Dictionary<string, Tensor> target,
        IReadOnlyDictionary<string, Tensor> source)
    {
        var classRows = ClassRows.ToDictionary(c => c.Name, c => c.RowsPerClass);
        var plain = source.Where(p => !classRows.ContainsKey(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        var report = StateDictImporter.Load(model, plain);
        var gaps = report.Missing.Where(n => !classRows.ContainsKey(n)).Concat(report.Mismatched.Select(m => m.ToString())).ToList();
        if (gaps.Count > 0)
            throw new InvalidDataException($"{gaps.Count} tensors of {ModelName} do not fit the model to train, e.g. {string.Join("; ", gaps.Take(3))}");

        var sourceLabel = _sourceClasses.Select((name, label) => (name, label)).GroupBy(p => p.name).ToDictionary(g => g.Key, g => g.First().label);
        using (no_grad())
        {
            foreach (var (name, rows) in classRows)
            {
                if (!target.TryGetValue(name, out var destination) || !source.TryGetValue(name, out var stored)) continue;
                for (int label = 0; label < classes.Count; label++)
                {
                    if (!sourceLabel.TryGetValue(label == 0 ? _sourceClasses[0] : classes[label], out var from)) continue;
                    destination[TensorIndex.Slice(label * rows, (label + 1) * rows)]
                        .copy_(stored[TensorIndex.Slice(from * rows, (from + 1) * rows)]);
                }
            }
        }
        return classes.Skip(1).Where(c => !sourceLabel.ContainsKey(c)).ToList();
    }

    public void Dispose()
    {
        foreach (var tensor in _weights.Values) tensor.Dispose();
    }
}
