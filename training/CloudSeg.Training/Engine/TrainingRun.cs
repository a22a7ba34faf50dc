using CloudSeg.Core.Coco;
using CloudSeg.Datasets;
using CloudSeg.Datasets.Augmentation;
using CloudSeg.Datasets.Sources;
using CloudSeg.Evaluation.Metrics;
using CloudSeg.ModelCards;
using CloudSeg.Training.Backbone;
using CloudSeg.Training.Detection;
using CloudSeg.Evaluation.Sources;
using CloudSeg.Inference;
using CloudSeg.Training.Export;
using CloudSeg.Training.Import;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace CloudSeg.Training.Engine;

/// <summary>
/// What to train: datasets (a folder with annotations.json + images/, or a blob container URL — see DatasetLocation),
/// the architecture and where to write.
/// </summary>
public sealed record TrainingRequest
{
    public required string TrainData { get; init; }
    public string? ValidationData { get; init; }
    public required string OutputDirectory { get; init; }
    /// <summary>The network family to train: Mask R-CNN (default) or YOLACT.</summary>
    public ModelArchitecture Architecture { get; init; } = ModelArchitecture.MaskRcnn;
    public ModelSize Size { get; init; } = ModelSize.Small;
    public ResNetDepth Backbone { get; init; } = ResNetDepth.ResNet18;
    /// <summary>Short side after resizing (the small model also caps the long side at it).</summary>
    public int ImageSize { get; init; } = 320;
    /// <summary>
    /// Cap on the long side after resizing; null keeps the size's own (the small model's ImageSize, the standard
    /// model's 1333/800 of it). Square training pictures never reach it: it decides how far wider pictures shrink.
    /// </summary>
    public int? MaxImageSize { get; init; }
    /// <summary>A checkpoint directory, or the output directory to continue from its newest checkpoint.</summary>
    public string? ResumeFrom { get; init; }
    /// <summary>A torchvision Mask R-CNN state dict (safetensors) to fine-tune from instead of random weights; ignored when resuming.</summary>
    public string? InitFrom { get; init; }
    /// <summary>
    /// An ImageNet-trained ResNet for the backbone: "imagenet" or a torchvision .pth / .safetensors file (see
    /// <see cref="BackboneWeights"/>); its depth replaces <see cref="Backbone"/>. Ignored when resuming or fine-tuning.
    /// </summary>
    public string? BackboneWeights { get; init; }
    /// <summary>With <see cref="BackboneWeights"/>: how many of conv1, layer1 … layer4 train, counted from layer4 (torchvision's default 3).</summary>
    public int TrainableBackboneLayers { get; init; } = 3;
    /// <summary>ResNet stages the body keeps: 4 (C2–C5) or 3 (C2–C4, see <see cref="MaskRcnnOptions.BackboneStages"/>).</summary>
    public int BackboneStages { get; init; } = 4;
    /// <summary>
    /// A model package (model.onnx + card, optionally its training weights) to fine-tune from when its architecture
    /// fits (see <see cref="WarmStart"/>); otherwise the run starts from the request's architecture and says why.
    /// Ignored when resuming.
    /// </summary>
    public string? FineTuneFrom { get; init; }
    /// <summary>What the run calls that package (e.g. its registry version); null uses its card's version.</summary>
    public string? FineTuneFromName { get; init; }
    /// <summary>Name and version written into the package's card; null derives them from the backbone and the date.</summary>
    public string? ModelName { get; init; }
    public string? ModelVersion { get; init; }
    /// <summary>How many validation (else training) images the exported graph is checked on against the training forward.</summary>
    public int VerifyImages { get; init; } = 4;
    public AugmentationOptions Augmentation { get; init; } = new() { HorizontalFlipProbability = 0.5, MinScale = 0.8, MaxScale = 1.2 };
}

public enum ModelSize
{
    /// <summary><see cref="MaskRcnnOptions.Small"/>: for small images and CPU training.</summary>
    Small,
    /// <summary>torchvision's Mask R-CNN dimensions (256-channel FPN, 1024-wide box head) with the MaskIoU head.</summary>
    Standard,
}

/// <summary>
/// The result: the package folder (final checkpoint + model.onnx + model.card.json + metrics.jsonl), its card, the
/// COCO evaluation on the validation split (when given), the export checks and how the model was initialised.
/// </summary>
public sealed record TrainingOutcome(string ModelDirectory, EvaluationReport? Evaluation, IReadOnlyList<CocoResult> ValidationResults,
    ModelCard Card, IReadOnlyList<ExportCheck> Checks, string Initialisation);

/// <summary>
/// The one owner of train → evaluate → export → package, as `cloudseg train` and the training job run it: open the
/// data, build (resume, or fine-tune from a package) the model, train, evaluate on the validation split (writing
/// evaluation.json and validation_results.json next to the model), then export model.onnx + model.card.json into the
/// final model folder beside its training weights and metrics.jsonl, and check the exported graph against the
/// training forward on a few images. A package that fails the check fails the run.
/// </summary>
public sealed partial class TrainingRun(TrainerOptions options, ILoggerFactory loggerFactory)
{
    public const string EvaluationFileName = "evaluation.json";
    public const string ValidationResultsFileName = "validation_results.json";
    readonly ILogger _logger = loggerFactory.CreateLogger<TrainingRun>();

    public async Task<TrainingOutcome> RunAsync(TrainingRequest request, IProgress<TrainingProgress>? progress,
        IProgress<(int Done, int Total)>? evaluationProgress, CancellationToken cancellationToken)
    {
        options.Validate();
        var train = await InstanceDataset.OpenAsync(DatasetLocation.Open(request.TrainData), cancellationToken);
        var validation = request.ValidationData is null
            ? null
            : await InstanceDataset.OpenAsync(DatasetLocation.Open(request.ValidationData), cancellationToken);
        DatasetChecks.ThrowIfUnfit(train, validation);
        var classes = train.Categories.ClassNames;
        _logger.LogInformation("Training on {Images} images of {Classes} classes from {Location}", train.Count, classes.Count - 1, train.Location);

        string? resumeFrom = ResolveResume(request);
        manual_seed(options.Seed);
        if (request.Architecture == ModelArchitecture.Yolact)
            return await RunYolactAsync(request, train, validation, classes, resumeFrom, progress, evaluationProgress, cancellationToken);
        if (request.Architecture != ModelArchitecture.MaskRcnn)
            throw new ArgumentException($"CloudSeg trains mask_rcnn and yolact, not {request.Architecture.ToCardName()}.");
        var (model, initialisation) = resumeFrom is null
            ? BuildModel(request, classes)
            : (new MaskRcnn(Checkpoint.ReadInfo(resumeFrom).MaskRcnn), $"resumed from {resumeFrom}");
        using var _ = model;
        _logger.LogInformation("Model initialisation: {Initialisation}", initialisation);
        if (resumeFrom is null && request.InitFrom is not null)
            PretrainedWeights.InitializeFrom(model, request.InitFrom, _logger);
        var loader = new DetectionDataLoader(train, options.BatchSize, options.Seed, request.Augmentation);
        var trainer = new Trainer(options, loggerFactory.CreateLogger<Trainer>());
        string modelDirectory = await trainer.TrainAsync(model, loader, classes, request.OutputDirectory, resumeFrom,
            progress, cancellationToken);

        EvaluationReport? report = null;
        IReadOnlyList<CocoResult> results = [];
        if (validation is not null)
        {
            results = await ModelEvaluation.PredictAsync(model, validation, evaluationProgress, cancellationToken);
            report = await EvaluateAsync(request, validation, results, cancellationToken);
        }

        var (card, checks) = await PackageAsync(model, request, classes, report, validation ?? train, modelDirectory, cancellationToken);
        File.Copy(Path.Combine(request.OutputDirectory, MetricsLog.FileName), Path.Combine(modelDirectory, MetricsLog.FileName), overwrite: true);
        return new TrainingOutcome(modelDirectory, report, results, card, checks, initialisation);
    }

    /// <summary>Scores the validation results with COCO AP and writes evaluation.json and validation_results.json.</summary>
    async Task<EvaluationReport> EvaluateAsync(TrainingRequest request, InstanceDataset validation, IReadOnlyList<CocoResult> results,
        CancellationToken cancellationToken)
    {
        ThrowIfNotFinite(results);
        var report = ModelEvaluation.Evaluate(validation, results);
        await using (var stream = File.Create(Path.Combine(request.OutputDirectory, EvaluationFileName)))
            await report.WriteJsonAsync(stream, cancellationToken);
        await using (var stream = File.Create(Path.Combine(request.OutputDirectory, ValidationResultsFileName)))
            await CocoResultsJson.WriteAsync(stream, results, cancellationToken);
        _logger.LogInformation("Validation on {Images} images: segm AP {SegmAp:F3}, bbox AP {BboxAp:F3}", validation.Count,
            report.Columns.First(c => c is { IouType: IouType.Segm, Rescored: false }).Summary.AP,
            report.Columns.First(c => c is { IouType: IouType.Bbox, Rescored: false }).Summary.AP);
        return report;
    }

    /// <summary>Fine-tunes from <see cref="TrainingRequest.FineTuneFrom"/> when it fits, else the request's architecture.</summary>
    (MaskRcnn Model, string Initialisation) BuildModel(TrainingRequest request, IReadOnlyList<string> classes)
    {
        var configured = ModelOptions(request, classes.Count);
        string Scratch(string why) => $"from scratch ({configured.Backbone.ToString().ToLowerInvariant()}, {request.Size.ToString().ToLowerInvariant()}): {why}";
        if (request.FineTuneFrom is null && request.BackboneWeights is not null)
            return FromPretrainedBackbone(request, weights => new MaskRcnn(weights.Apply(configured, request.TrainableBackboneLayers)));
        if (request.FineTuneFrom is null)
            return (new MaskRcnn(configured), request.InitFrom is null ? "from scratch" : $"initialised from {request.InitFrom}");
        using var warm = WarmStart.Open(request.FineTuneFrom, classes.Count, out var reason);
        if (warm is null) return (new MaskRcnn(configured), Scratch(reason));
        var name = request.FineTuneFromName ?? warm.ModelName;
        var model = new MaskRcnn(warm.Options);
        try
        {
            var fresh = warm.LoadInto(model, classes);
            return (model, fresh.Count == 0
                ? $"fine-tuned from {name}"
                : $"fine-tuned from {name}; new classes: {string.Join(", ", fresh)} (fresh head rows)");
        }
        catch (InvalidDataException e)
        {
            model.Dispose();
            manual_seed(options.Seed);
            return (new MaskRcnn(configured), Scratch(e.Message));
        }
    }

    /// <summary>The request's architecture (Mask R-CNN or YOLACT: <paramref name="build"/> applies the weights' depth and
    /// normalisation to its options) on an ImageNet-trained backbone.</summary>
    (TModel Model, string Initialisation) FromPretrainedBackbone<TModel>(TrainingRequest request, Func<BackboneWeights, TModel> build)
        where TModel : nn.Module
    {
        using var weights = BackboneWeights.Open(request.BackboneWeights!);
        var model = build(weights);
        try
        {
            var report = weights.LoadInto(model);
            _logger.LogInformation("Backbone from {Source}: {Loaded} tensors ({Depth}, width {Width})", weights.Source,
                report.Loaded.Count, weights.Depth, weights.Width);
            return (model, $"backbone from {weights.Source} ({weights.Depth.ToString().ToLowerInvariant()}, " +
                $"{request.TrainableBackboneLayers} trainable stages, frozen batch norm)");
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Exports the trained model into its folder and checks the graph against the training forward.</summary>
    async Task<(ModelCard Card, IReadOnlyList<ExportCheck> Checks)> PackageAsync(MaskRcnn model, TrainingRequest request,
        IReadOnlyList<string> classes, EvaluationReport? report, InstanceDataset verifyOn, string modelDirectory,
        CancellationToken cancellationToken)
    {
        var description = await DescribeAsync(request, $"cloudseg-{model.Options.Backbone.ToString().ToLowerInvariant()}", classes, report,
            modelDirectory, cancellationToken);
        var card = ModelPackageExporter.Export(model, description, modelDirectory);

        // The check needs the pictures as files: the job and `cloudseg train` train from local folders.
        string verifyFolder = request.ValidationData is not null ? request.ValidationData : request.TrainData;
        var images = verifyOn.Coco.Images.Take(request.VerifyImages)
            .Select(image => Path.Combine(verifyFolder, FolderDatasetSource.ImagesFolderName, image.FileName)).ToList();
        if (!Directory.Exists(verifyFolder))
            throw new InvalidOperationException($"Cannot check the exported graph: {verifyFolder} is not a local dataset folder.");
        var checks = await ExportVerification.VerifyAsync(model, modelDirectory, images, cancellationToken);
        if (checks.FirstOrDefault(c => !c.Agrees) is { } failed)
        {
            foreach (var file in new[] { ModelPackageExporter.OnnxFileName, ModelPackageExporter.CardFileName })
                File.Delete(Path.Combine(modelDirectory, file));
            throw new InvalidOperationException(
                $"The exported graph disagrees with the trained model on {failed.Image}: {failed.TorchSharpInstances} vs {failed.OnnxInstances} " +
                $"detections, boxes up to {failed.MaxBoxDifference:G3} px apart, scores up to {failed.MaxScoreDifference:G3}; the package was removed.");
        }
        _logger.LogInformation("Exported {Onnx}; the graph agrees with the trained model on {Images} images", ModelPackageExporter.OnnxFileName, checks.Count);
        return (card, checks);
    }

    /// <summary>The package's name, version, classes, metrics, training data digest and code version.</summary>
    static async Task<ModelPackageDescription> DescribeAsync(TrainingRequest request, string defaultName, IReadOnlyList<string> classes,
        EvaluationReport? report, string modelDirectory, CancellationToken cancellationToken)
    {
        var info = Checkpoint.ReadInfo(modelDirectory);
        var trainedAt = DateTimeOffset.UtcNow;
        return new ModelPackageDescription(
            request.ModelName ?? defaultName,
            request.ModelVersion ?? $"{trainedAt:yyyyMMdd.HHmmss}-step{info.Step}",
            classes, report is null ? null : ModelMetricsOf(report),
            Directory.Exists(request.TrainData)
                ? await TrainingDataDigest.OfAnnotationsAsync(Path.Combine(request.TrainData, FolderDatasetSource.AnnotationsFileName), cancellationToken)
                : null,
            await CodeVersion.OfRepositoryAsync(Environment.CurrentDirectory, cancellationToken), trainedAt,
            Augmentation: info.Augmentation);
    }

    /// <summary>A model whose losses stayed finite can still predict NaN (seen from the MaskIoU head after too fast a fine-tune).</summary>
    static void ThrowIfNotFinite(IReadOnlyList<CocoResult> results)
    {
        int bad = results.Count(r => !float.IsFinite(r.Score) || r.MaskIou is { } iou && !float.IsFinite(iou) || !r.Bbox.All(float.IsFinite));
        if (bad > 0)
            throw new InvalidOperationException(
                $"The trained model predicts non-finite numbers (score, box or mask IoU) for {bad} of {results.Count} validation detections: " +
                "training diverged; lower the learning rate.");
    }

    /// <summary>The card's metrics block: the evaluation's columns under the same names.</summary>
    public static ModelMetrics ModelMetricsOf(EvaluationReport report)
    {
        ApSummary? Column(string name) => report.Columns.FirstOrDefault(c => c.Name == name)?.Summary is { } s
            ? new ApSummary { Ap = s.AP, Ap50 = s.AP50, Ap75 = s.AP75, ApSmall = s.APSmall, ApMedium = s.APMedium, ApLarge = s.APLarge }
            : null;
        return new ModelMetrics { Bbox = Column("bbox"), Segm = Column("segm"), BboxRescored = Column("bbox_rescored"), SegmRescored = Column("segm_rescored") };
    }

    public static MaskRcnnOptions ModelOptions(TrainingRequest request, int numClasses)
    {
        var options = request.Size switch
        {
            ModelSize.Small => MaskRcnnOptions.Small(numClasses, request.Backbone, request.ImageSize) with { BackboneStages = request.BackboneStages },
            // From scratch there are no ImageNet statistics to freeze: learn batch norm and train every stage.
            _ => new MaskRcnnOptions
            {
                NumClasses = numClasses, Backbone = request.Backbone, MinSize = request.ImageSize,
                MaxSize = Math.Max(request.ImageSize, request.ImageSize * 1333 / 800),
                Norm = NormLayer.BatchNorm, TrainableBackboneLayers = 5, BackboneStages = request.BackboneStages,
            },
        };
        if (request.MaxImageSize is not { } maxSize) return options;
        if (maxSize < request.ImageSize)
            throw new ArgumentException($"The long-side cap ({maxSize} px) cannot be below the short side ({request.ImageSize} px).");
        return options with { MaxSize = maxSize };
    }

    static string? ResolveResume(TrainingRequest request)
    {
        if (request.ResumeFrom is null) return null;
        if (File.Exists(Path.Combine(request.ResumeFrom, Checkpoint.InfoFileName))) return request.ResumeFrom;
        return Trainer.LatestCheckpoint(request.ResumeFrom)
            ?? throw new DirectoryNotFoundException($"{request.ResumeFrom} is neither a checkpoint nor an output folder with checkpoints.");
    }
}
