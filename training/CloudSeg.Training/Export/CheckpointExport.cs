using System.Text.Json;
using CloudSeg.Evaluation.Sources;
using CloudSeg.Inference;
using CloudSeg.ModelCards;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Engine;

namespace CloudSeg.Training.Export;

/// <summary>What to export and what to say about it (the options of <c>cloudseg export</c>).</summary>
/// <param name="Checkpoint">A checkpoint folder, a training output folder (its final <c>model/</c> is used), or a
/// cloudseg model package to re-export with this build's exporter.</param>
/// <param name="MetricsPath">COCO evaluation JSON; null uses the training run's evaluation.json when there is one.</param>
/// <param name="TrainingData">The training annotations JSON, or a dataset folder holding annotations.json, to digest.</param>
/// <param name="VerifyImages">Images to run through both the checkpoint and the package afterwards (see <see cref="ExportVerification"/>).</param>
/// <param name="RpnPostNmsTopN">Proposals the RPN keeps after its NMS at inference (torchvision's rpn_post_nms_top_n_test);
/// null keeps the model's own. The box head's RoIAlign and fc6 scale with it, so fewer is faster; the graph's recorded
/// options carry the value, and <see cref="VerifyImages"/> runs the TorchSharp model with the same setting.</param>
/// <param name="SamplingRatio">RoIAlign's samples per bin side at inference (training's 2 when null); recorded and
/// verified the same way.</param>
public sealed record CheckpointExportRequest(
    string Checkpoint,
    string OutputDirectory,
    string? Name = null,
    string? Version = null,
    string? MetricsPath = null,
    string? TrainingData = null,
    float ScoreThreshold = 0.5f,
    float MaskThreshold = 0.5f,
    IReadOnlyList<string>? VerifyImages = null,
    int? RpnPostNmsTopN = null,
    int? SamplingRatio = null)
{
    /// <summary>The model's options with this request's inference settings applied (training settings untouched).</summary>
    internal MaskRcnnOptions ForInference(MaskRcnnOptions options)
    {
        if (RpnPostNmsTopN is < 1) throw new ArgumentException($"The post-NMS proposal count must be at least 1 (got {RpnPostNmsTopN}).");
        if (SamplingRatio is < 1) throw new ArgumentException($"The RoIAlign sampling ratio must be at least 1 (got {SamplingRatio}).");
        return options with
        {
            Rpn = options.Rpn with { PostNmsTopNTest = RpnPostNmsTopN ?? options.Rpn.PostNmsTopNTest },
            RoIHeads = options.RoIHeads with { InferenceSamplingRatio = SamplingRatio ?? options.RoIHeads.InferenceSamplingRatio },
        };
    }
}

/// <summary>The written package and where its parts came from.</summary>
public sealed record CheckpointExportResult(string CheckpointDirectory, string OnnxPath, string CardPath, ModelCard Card, string? MetricsPath,
    IReadOnlyList<ExportCheck> Checks);

/// <summary>Checkpoint → model package: rebuilds the trained model and writes model.onnx + model.card.json.</summary>
public static class CheckpointExport
{

    public static async Task<CheckpointExportResult> ExportAsync(CheckpointExportRequest request, CancellationToken cancellationToken)
    {
        var checkpointDirectory = ResolveCheckpoint(request.Checkpoint);
        var metricsPath = request.MetricsPath ?? DefaultMetrics(checkpointDirectory);
        var metrics = metricsPath is null ? null : await ReadMetricsAsync(metricsPath, cancellationToken);
        var dataDigest = request.TrainingData is null ? null : await TrainingDataDigest.OfAnnotationsAsync(AnnotationsPath(request.TrainingData), cancellationToken);
        var codeVersion = await CodeVersion.OfRepositoryAsync(Environment.CurrentDirectory, cancellationToken);

        if (!PackageReexport.IsPackage(checkpointDirectory) && Engine.Checkpoint.ReadInfo(checkpointDirectory).Yolact is not null)
            return ExportYolact(checkpointDirectory, request, metrics, metricsPath, dataDigest, codeVersion);
        var (model, description) = PackageReexport.IsPackage(checkpointDirectory)
            ? PackageReexport.Load(checkpointDirectory, request, metrics, dataDigest)
            : FromCheckpoint(checkpointDirectory, request, metrics, dataDigest, codeVersion);
        using (model)
        {
            var card = ModelPackageExporter.Export(model, description, request.OutputDirectory);
            var checks = request.VerifyImages is { Count: > 0 } images
                ? await ExportVerification.VerifyAsync(model, request.OutputDirectory, images, cancellationToken)
                : [];
            return new CheckpointExportResult(checkpointDirectory,
                Path.Combine(request.OutputDirectory, ModelPackageExporter.OnnxFileName),
                Path.Combine(request.OutputDirectory, ModelPackageExporter.CardFileName), card, metricsPath, checks);
        }
    }

    /// <summary>A YOLACT checkpoint: its graph is checked against the training forward by the exporter's tests
    /// (YolactExportTests), not per export, so <see cref="CheckpointExportRequest.VerifyImages"/> is refused.</summary>
    private static CheckpointExportResult ExportYolact(string checkpointDirectory, CheckpointExportRequest request, ModelMetrics? metrics,
        string? metricsPath, string? dataDigest, string? codeVersion)
    {
        if (request.VerifyImages is { Count: > 0 })
            throw new ArgumentException($"{checkpointDirectory} is a YOLACT checkpoint; export verification on images is built for Mask R-CNN only.");
        if (request.RpnPostNmsTopN is not null || request.SamplingRatio is not null)
            throw new ArgumentException($"{checkpointDirectory} is a YOLACT checkpoint; it has no region proposals or RoIAlign to set.");
        var (model, info) = Engine.Checkpoint.LoadYolact(checkpointDirectory);
        using (model)
        {
            var card = ModelPackageExporter.Export(model, Describe(checkpointDirectory, request, info, $"cloudseg-yolact-{info.Yolact!.Backbone.ToString().ToLowerInvariant()}",
                metrics, dataDigest, codeVersion), request.OutputDirectory);
            return new CheckpointExportResult(checkpointDirectory,
                Path.Combine(request.OutputDirectory, ModelPackageExporter.OnnxFileName),
                Path.Combine(request.OutputDirectory, ModelPackageExporter.CardFileName), card, metricsPath, []);
        }
    }

    private static (Detection.MaskRcnn, ModelPackageDescription) FromCheckpoint(string checkpointDirectory, CheckpointExportRequest request,
        ModelMetrics? metrics, string? dataDigest, string? codeVersion)
    {
        var (model, info) = Engine.Checkpoint.LoadModel(checkpointDirectory, request.ForInference);
        return (model, Describe(checkpointDirectory, request, info, $"cloudseg-{info.MaskRcnn.Backbone.ToString().ToLowerInvariant()}",
            metrics, dataDigest, codeVersion));
    }

    private static ModelPackageDescription Describe(string checkpointDirectory, CheckpointExportRequest request, CheckpointInfo info,
        string defaultName, ModelMetrics? metrics, string? dataDigest, string? codeVersion)
    {
        var trainedAt = new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(checkpointDirectory, Engine.Checkpoint.ModelFileName)), TimeSpan.Zero);
        return new ModelPackageDescription(request.Name ?? defaultName, request.Version ?? $"{trainedAt:yyyyMMdd.HHmmss}-step{info.Step}",
            info.Classes, metrics, dataDigest, codeVersion, trainedAt, request.ScoreThreshold, request.MaskThreshold, info.Augmentation);
    }

    /// <summary>A folder with checkpoint.json is a checkpoint; a training output folder points at its final model; a
    /// cloudseg package without training weights is re-exported from its graph (<see cref="PackageReexport"/>).</summary>
    private static string ResolveCheckpoint(string path)
    {
        if (File.Exists(Path.Combine(path, Engine.Checkpoint.InfoFileName)) || PackageReexport.IsPackage(path)) return path;
        var final = Path.Combine(path, Trainer.FinalModelFolder);
        if (File.Exists(Path.Combine(final, Engine.Checkpoint.InfoFileName))) return final;
        throw new DirectoryNotFoundException(
            $"{path} is neither a checkpoint (no {Engine.Checkpoint.InfoFileName}), a training output folder (no {Trainer.FinalModelFolder}/{Engine.Checkpoint.InfoFileName}) nor a model package (no {ModelPackageExporter.CardFileName} + {ModelPackageExporter.OnnxFileName}).");
    }

    /// <summary>`cloudseg train` writes evaluation.json next to model/.</summary>
    private static string? DefaultMetrics(string checkpointDirectory)
    {
        var runDirectory = Path.GetDirectoryName(Path.GetFullPath(checkpointDirectory).TrimEnd(Path.DirectorySeparatorChar));
        var candidate = runDirectory is null ? null : Path.Combine(runDirectory, TrainingRun.EvaluationFileName);
        return candidate is not null && File.Exists(candidate) ? candidate : null;
    }

    private static async Task<ModelMetrics> ReadMetricsAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        try
        {
            return await JsonSerializer.DeserializeAsync<ModelMetrics>(stream, ModelCard.JsonOptions, cancellationToken)
                   ?? throw new InvalidDataException($"{path} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a COCO evaluation JSON ({e.Message}).", e);
        }
    }

    private static string AnnotationsPath(string trainingData) =>
        Directory.Exists(trainingData) ? Path.Combine(trainingData, FolderDatasetSource.AnnotationsFileName) : trainingData;
}
