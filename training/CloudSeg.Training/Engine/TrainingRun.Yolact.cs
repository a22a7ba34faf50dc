using CloudSeg.Datasets;
using CloudSeg.Evaluation.Metrics;
using CloudSeg.ModelCards;
using CloudSeg.Training.Export;
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
        if (resumeFrom is null && (request.InitFrom ?? request.BackboneWeights) is { } source)
            throw new ArgumentException($"YOLACT trains from scratch, resumes or fine-tunes its own packages; {source} (--init-from, --backbone-weights) is for Mask R-CNN.");
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
    /// Fine-tunes from <see cref="TrainingRequest.FineTuneFrom"/> when it is a YOLACT package with its training weights
    /// (model.bin + checkpoint.json) and the dataset's classes; otherwise the request's YOLACT from scratch, saying why.
    /// </summary>
    (YolactModel Model, string Initialisation) BuildYolact(TrainingRequest request, IReadOnlyList<string> classes)
    {
        var configured = YolactOptionsFor(request, classes.Count);
        if (request.FineTuneFrom is not { } package) return (new YolactModel(configured), "from scratch");
        var name = request.FineTuneFromName ?? ModelCard.Read(Path.Combine(package, ModelPackageExporter.CardFileName)).Version;
        string Scratch(string why) => $"from scratch (yolact, {configured.Backbone.ToString().ToLowerInvariant()}, {request.Size.ToString().ToLowerInvariant()}): {why}";
        if (!File.Exists(Path.Combine(package, Checkpoint.InfoFileName)))
            return (new YolactModel(configured), Scratch($"the current model {name} has no training weights"));
        var info = Checkpoint.ReadInfo(package);
        if (info.Yolact is null)
            return (new YolactModel(configured), Scratch($"the current model {name} is not a YOLACT"));
        if (!info.Classes.SequenceEqual(classes))
            return (new YolactModel(configured), Scratch($"the current model {name} knows {string.Join(", ", info.Classes.Skip(1))}, the data {string.Join(", ", classes.Skip(1))}"));
        var (model, _) = Checkpoint.LoadYolact(package);
        model.train();
        return (model, $"fine-tuned from {name}");
    }

    /// <summary>The compact YOLACT for --size small; the paper's dimensions (batch norm learnt, every stage trained,
    /// as there are no ImageNet statistics to freeze) for --size standard. Images are resized to ImageSize².</summary>
    public static YolactOptions YolactOptionsFor(TrainingRequest request, int numClasses) => request.Size switch
    {
        ModelSize.Small => YolactOptions.Small(numClasses, request.ImageSize) with { Backbone = request.Backbone },
        _ => new YolactOptions
        {
            NumClasses = numClasses, Backbone = request.Backbone, ImageSize = request.ImageSize,
            Norm = Backbone.NormLayer.BatchNorm, TrainableBackboneLayers = 5,
        },
    };
}
