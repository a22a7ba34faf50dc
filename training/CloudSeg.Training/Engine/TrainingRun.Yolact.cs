using CloudSeg.Datasets;
using CloudSeg.Evaluation.Metrics;
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
        if (resumeFrom is null && (request.InitFrom ?? request.BackboneWeights ?? request.FineTuneFrom) is { } source)
            throw new ArgumentException($"YOLACT trains from scratch or resumes its own checkpoints; {source} (--init-from, --backbone-weights, --fine-tune-from) is for Mask R-CNN.");
        var configured = resumeFrom is null
            ? YolactOptionsFor(request, classes.Count)
            : Checkpoint.ReadInfo(resumeFrom).Yolact ?? throw new InvalidDataException($"{resumeFrom} is a Mask R-CNN checkpoint, not a YOLACT.");
        using var model = new YolactModel(configured);
        var initialisation = resumeFrom is null ? "from scratch" : $"resumed from {resumeFrom}";
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
