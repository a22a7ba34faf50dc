using CloudSeg.Core.Coco;
using CloudSeg.Datasets;
using CloudSeg.Datasets.Augmentation;
using CloudSeg.Datasets.Sources;
using CloudSeg.Evaluation.Metrics;
using CloudSeg.Training.Backbone;
using CloudSeg.Training.Detection;
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
    public ModelSize Size { get; init; } = ModelSize.Small;
    public ResNetDepth Backbone { get; init; } = ResNetDepth.ResNet18;
    /// <summary>Short side after resizing (the small model also caps the long side at it).</summary>
    public int ImageSize { get; init; } = 320;
    /// <summary>A checkpoint directory, or the output directory to continue from its newest checkpoint.</summary>
    public string? ResumeFrom { get; init; }
    /// <summary>A torchvision Mask R-CNN state dict (safetensors) to fine-tune from instead of random weights; ignored when resuming.</summary>
    public string? InitFrom { get; init; }
    public AugmentationOptions Augmentation { get; init; } = new() { HorizontalFlipProbability = 0.5, MinScale = 0.8, MaxScale = 1.2 };
}

public enum ModelSize
{
    /// <summary><see cref="MaskRcnnOptions.Small"/>: for small images and CPU training.</summary>
    Small,
    /// <summary>torchvision's Mask R-CNN dimensions (256-channel FPN, 1024-wide box head) with the MaskIoU head.</summary>
    Standard,
}

/// <summary>The result: the final checkpoint and, with validation data, its COCO evaluation.</summary>
public sealed record TrainingOutcome(string ModelDirectory, EvaluationReport? Evaluation, IReadOnlyList<CocoResult> ValidationResults);

/// <summary>
/// One training job end to end, as `cloudseg train` and the scheduled training job run it: open the data, build (or
/// resume) the model, train, and evaluate on the validation split, writing evaluation.json and
/// validation_results.json (COCO results) next to the model.
/// </summary>
public sealed class TrainingRun(TrainerOptions options, ILoggerFactory loggerFactory)
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
        var classes = train.Categories.ClassNames;
        _logger.LogInformation("Training on {Images} images of {Classes} classes from {Location}", train.Count, classes.Count - 1, train.Location);

        string? resumeFrom = ResolveResume(request);
        var modelOptions = resumeFrom is null ? ModelOptions(request, classes.Count) : Checkpoint.ReadInfo(resumeFrom).Model;
        manual_seed(options.Seed);
        using var model = new MaskRcnn(modelOptions);
        if (resumeFrom is null && request.InitFrom is not null)
            PretrainedWeights.InitializeFrom(model, request.InitFrom, _logger);
        var loader = new DetectionDataLoader(train, options.BatchSize, options.Seed, request.Augmentation);
        var trainer = new Trainer(options, loggerFactory.CreateLogger<Trainer>());
        string modelDirectory = await trainer.TrainAsync(model, loader, classes, request.OutputDirectory, resumeFrom,
            progress, cancellationToken);

        if (validation is null) return new TrainingOutcome(modelDirectory, null, []);
        var results = await ModelEvaluation.PredictAsync(model, validation, evaluationProgress, cancellationToken);
        var report = ModelEvaluation.Evaluate(validation, results);
        await using (var stream = File.Create(Path.Combine(request.OutputDirectory, EvaluationFileName)))
            await report.WriteJsonAsync(stream, cancellationToken);
        await using (var stream = File.Create(Path.Combine(request.OutputDirectory, ValidationResultsFileName)))
            await CocoResultsJson.WriteAsync(stream, results, cancellationToken);
        _logger.LogInformation("Validation on {Images} images: segm AP {SegmAp:F3}, bbox AP {BboxAp:F3}", validation.Count,
            report.Columns.First(c => c is { IouType: IouType.Segm, Rescored: false }).Summary.AP,
            report.Columns.First(c => c is { IouType: IouType.Bbox, Rescored: false }).Summary.AP);
        return new TrainingOutcome(modelDirectory, report, results);
    }

    public static MaskRcnnOptions ModelOptions(TrainingRequest request, int numClasses) => request.Size switch
    {
        ModelSize.Small => MaskRcnnOptions.Small(numClasses, request.Backbone, request.ImageSize),
        // From scratch there are no ImageNet statistics to freeze: learn batch norm and train every stage.
        _ => new MaskRcnnOptions
        {
            NumClasses = numClasses, Backbone = request.Backbone, MinSize = request.ImageSize,
            MaxSize = Math.Max(request.ImageSize, request.ImageSize * 1333 / 800),
            Norm = NormLayer.BatchNorm, TrainableBackboneLayers = 5,
        },
    };

    static string? ResolveResume(TrainingRequest request)
    {
        if (request.ResumeFrom is null) return null;
        if (File.Exists(Path.Combine(request.ResumeFrom, Checkpoint.InfoFileName))) return request.ResumeFrom;
        return Trainer.LatestCheckpoint(request.ResumeFrom)
            ?? throw new DirectoryNotFoundException($"{request.ResumeFrom} is neither a checkpoint nor an output folder with checkpoints.");
    }
}
