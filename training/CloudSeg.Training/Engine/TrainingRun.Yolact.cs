using CloudSeg.Datasets;
using CloudSeg.Evaluation.Metrics;
using CloudSeg.ModelCards;
using CloudSeg.Onnx;
using CloudSeg.Training.Export;
using CloudSeg.Training.Import;
using CloudSeg.Training.Yolact;
using Microsoft.Extensions.Logging;

namespace CloudSeg.Training.Engine;

/// <summary>The YOLACT branch of a training run: the same data, trainer, checkpoints and COCO evaluation as Mask R-CNN.</summary>
public sealed partial class TrainingRun
{
    async Task<TrainingOutcome> RunYolactAsync(TrainingRequest request, InstanceDataset train, InstanceDataset? validation,
        IReadOnlyList<string> classes, string? resumeFrom, IProgress<TrainingProgress>? progress,
        IProgress<(int Done, int Total)>? evaluationProgress, CancellationToken cancellationToken)
    {
        if (resumeFrom is null && request.InitFrom is { } source)
            throw new ArgumentException($"YOLACT starts from scratch or an ImageNet backbone, resumes or fine-tunes its own packages; {source} (--init-from) is a Mask R-CNN's.");
        if (request.MaxImageSize is { } maxSize)
            throw new ArgumentException($"YOLACT resizes every picture to {request.ImageSize}×{request.ImageSize} (--image-size); the long-side cap ({maxSize} px, --max-image-size) is Mask R-CNN's.");
        var (model, initialisation) = resumeFrom is null
            ? BuildYolact(request, classes)
            : (new YolactModel(Checkpoint.ReadInfo(resumeFrom).Yolact ?? throw new InvalidDataException($"{resumeFrom} is a Mask R-CNN checkpoint, not a YOLACT.")),
                $"resumed from {resumeFrom}");
        using var _ = model;
        var configured = model.Options;
        _logger.LogInformation("Model initialisation: {Initialisation}", initialisation);
        var loader = new DetectionDataLoader(train, options.BatchSize, options.Seed, request.Augmentation);
        var trainer = new Trainer(options, loggerFactory.CreateLogger<Trainer>());
        string modelDirectory = await trainer.TrainAsync(model, loader, classes, request.OutputDirectory, resumeFrom,
            progress, cancellationToken);

        EvaluationReport? report = null;
        IReadOnlyList<Core.Coco.CocoResult> results = [];
        if (validation is not null)
        {
            results = await ModelEvaluation.PredictAsync(model, validation, evaluationProgress, cancellationToken);
            report = await EvaluateAsync(request, validation, results, cancellationToken);
        }

        var description = await DescribeAsync(request, $"cloudseg-yolact-{configured.Backbone.ToString().ToLowerInvariant()}", classes, report,
            modelDirectory, cancellationToken);
        var card = ModelPackageExporter.Export(model, description, modelDirectory);
        File.Copy(Path.Combine(request.OutputDirectory, MetricsLog.FileName), Path.Combine(modelDirectory, MetricsLog.FileName), overwrite: true);
        return new TrainingOutcome(modelDirectory, report, results, card, [], initialisation);
    }

    /// <summary>
    /// Fine-tunes from <see cref="TrainingRequest.FineTuneFrom"/> when it is a YOLACT package with the dataset's classes,
    /// from its training weights (model.bin + checkpoint.json) or else its graph (<see cref="FromGraph"/>); otherwise
    /// the request's YOLACT, from scratch or the ImageNet backbone, saying why.
    /// </summary>
    (YolactModel Model, string Initialisation) BuildYolact(TrainingRequest request, IReadOnlyList<string> classes)
    {
        var configured = YolactOptionsFor(request, classes.Count);
        if (request.FineTuneFrom is null && request.BackboneWeights is not null)
            return FromPretrainedBackbone(request, weights => new YolactModel(weights.Apply(configured, request.TrainableBackboneLayers)));
        if (request.FineTuneFrom is not { } package) return (new YolactModel(configured), "from scratch");
        var card = ModelCard.Read(Path.Combine(package, ModelPackageExporter.CardFileName));
        var name = request.FineTuneFromName ?? card.Version;
        string Scratch(string why) => $"from scratch (yolact, {configured.Backbone.ToString().ToLowerInvariant()}, {request.Size.ToString().ToLowerInvariant()}): {why}";
        if (card.Architecture != ModelArchitecture.Yolact)
            return (new YolactModel(configured), Scratch($"the current model {name} is not a YOLACT"));
        if (!card.Classes.SequenceEqual(classes))
            return (new YolactModel(configured), Scratch($"the current model {name} knows {string.Join(", ", card.Classes.Skip(1))}, the data {string.Join(", ", classes.Skip(1))}"));
        if (File.Exists(Path.Combine(package, Checkpoint.InfoFileName)))
        {
            var (model, _) = Checkpoint.LoadYolact(package);
            model.train();
            return (model, $"fine-tuned from {name}");
        }
        if (card.Format != ModelPackageExporter.FormatName)
            return (new YolactModel(configured), Scratch($"the current model {name} is a {card.Format ?? "foreign"} model without training weights"));
        var fromGraph = FromGraph(Path.Combine(package, ModelPackageExporter.OnnxFileName), out var reason);
        return fromGraph is null ? (new YolactModel(configured), Scratch($"the current model {name}: {reason}")) : (fromGraph, $"fine-tuned from {name}");
    }

    /// <summary>
    /// A bundled package has no training weights: the YOLACT is rebuilt from the options its graph records
    /// (<see cref="ExportedGraphWeights.YolactOptionsMetadataKey"/>; batch norm comes back frozen, as folded) and the
    /// weights its initializers hold. The auxiliary semantic-segmentation conv is training-only, so not in the graph:
    /// it starts fresh. Null with the reason for graphs that record no options.
    /// </summary>
    internal static YolactModel? FromGraph(string onnxPath, out string reason)
    {
        var onnx = OnnxModelFile.Read(onnxPath);
        if (ExportedGraphWeights.RecordedYolactOptions(onnx) is not { } options)
        {
            reason = "its graph records no YOLACT options (exported before they were recorded)";
            return null;
        }
        var initializers = ExportedGraphWeights.ReadInitializers(onnx.Graph);
        var model = new YolactModel(options);
        var stateDict = ExportedGraphWeights.ToStateDict(initializers, model);
        try
        {
            var report = StateDictImporter.Load(model, stateDict);
            var gaps = report.Missing.Where(n => !n.StartsWith("semantic_seg_conv.", StringComparison.Ordinal))
                .Concat(report.Mismatched.Select(m => m.ToString())).ToList();
            if (gaps.Count > 0)
                throw new InvalidDataException($"{onnxPath}: {gaps.Count} tensors do not fit the YOLACT its graph records, e.g. {string.Join("; ", gaps.Take(3))}");
            reason = "";
            model.train();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            // The model holds copies of both.
            ExportedGraphWeights.DisposeMadeTensors(stateDict, initializers);
            foreach (var tensor in initializers.Values) tensor.Dispose();
        }
    }

    /// <summary>The compact YOLACT for --size small; the paper's dimensions (batch norm learnt, every stage trained,
    /// as there are no ImageNet statistics to freeze) for --size standard. Images are resized to ImageSize².</summary>
    public static YolactOptions YolactOptionsFor(TrainingRequest request, int numClasses) => request.Size switch
    {
        ModelSize.Small => YolactOptions.Small(numClasses, request.ImageSize) with { Backbone = request.Backbone, BackboneStages = request.BackboneStages },
        _ => new YolactOptions
        {
            NumClasses = numClasses, Backbone = request.Backbone, ImageSize = request.ImageSize,
            Norm = Backbone.NormLayer.BatchNorm, TrainableBackboneLayers = 5, BackboneStages = request.BackboneStages,
        },
    };
}
