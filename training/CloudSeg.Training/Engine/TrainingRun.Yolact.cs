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
        var card = YolactCard(configured, description);
        card.Write(Path.Combine(modelDirectory, ModelPackageExporter.CardFileName));
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

    static ModelCard YolactCard(YolactOptions model, ModelPackageDescription description) => new()
    {
        Architecture = ModelArchitecture.Yolact,
        Format = ModelPackageExporter.FormatName,
        Name = description.Name,
        Version = description.Version,
        Classes = description.Classes,
        Input = new ModelInputSpec { Layout = "CHW", Color = "RGB", Range = [0f, 1f], MinSize = model.ImageSize, MaxSize = model.ImageSize },
        ScoreThreshold = description.ScoreThreshold,
        MaskThreshold = description.MaskThreshold,
        Metrics = description.Metrics,
        Training = new TrainingInfo { DataDigest = description.DataDigest, CodeVersion = description.CodeVersion, Date = description.TrainedAt },
    };
}
