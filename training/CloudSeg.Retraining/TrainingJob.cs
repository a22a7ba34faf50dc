using CloudSeg.ModelCards;
using CloudSeg.Storage;
using CloudSeg.Training.Engine;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Retraining;

/// <summary>
/// One training run from its row to its decision — what <c>cloudseg train-job</c> and the Azure training image run:
/// mark the row started, download <c>datasets/</c> and the current model, train (the request's architecture, else the
/// current model's; fine-tuning the current model when it fits), export and check the package, score candidate and
/// current model on the same validation split through the inference engine, upload <c>models/&lt;run id&gt;/</c>, promote or keep by <see cref="PromotionRule"/>, and
/// write the final row. Any failure ends the row failed with the reason and the log's tail, and never touches the
/// current model (promotion is the last step).
/// </summary>
public sealed partial class TrainingJob(
    CloudSegStorage storage,
    IOptions<RetrainingOptions> options,
    LogTail logTail,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<TrainingJob>();

    /// <returns>The process exit code: 0 when the run succeeded (promoted or kept), 1 when it failed, 2 when there is no such run.</returns>
    public async Task<int> RunAsync(string runId, string? workDirectory, CancellationToken ct)
    {
        var run = await storage.GetTrainingRunAsync(runId, ct).ConfigureAwait(false);
        if (run is null)
        {
            LogNoSuchRun(runId);
            return 2;
        }
        if (run.Status is not (TrainingRunStatus.Requested or TrainingRunStatus.Started))
        {
            LogAlreadyEnded(runId, run.Status);
            return 2;
        }
        var settings = options.Value;
        var work = workDirectory ?? Path.Combine(settings.WorkDirectory, runId);
        var row = new RunRowWriter(storage, run, settings.HeartbeatInterval);
        try
        {
            await row.SaveAsync(r =>
            {
                r.Status = TrainingRunStatus.Started;
                (r.Step, r.Error, r.LogTail, r.Decision) = (0, null, null, null);
            }, ct).ConfigureAwait(false);
            var decision = await TrainAndDecideAsync(row, work, settings, ct).ConfigureAwait(false);
            await row.DisposeAsync().ConfigureAwait(false);
            await row.SaveAsync(r =>
            {
                r.Status = TrainingRunStatus.Succeeded;
                r.FinishedAt = DateTimeOffset.UtcNow;
                r.Decision = decision;
            }, CancellationToken.None).ConfigureAwait(false);
            LogSucceeded(runId, decision);
            RemoveWorkFolder(work);
            return 0;
        }
        catch (Exception e)
        {
            var reason = e is OperationCanceledException ? $"The job was stopped at step {run.Step ?? 0}." : e.Message;
            LogFailed(e, runId, reason);
            await row.DisposeAsync().ConfigureAwait(false);
            await row.SaveAsync(r =>
            {
                r.Status = TrainingRunStatus.Failed;
                r.FinishedAt = DateTimeOffset.UtcNow;
                r.Error = reason;
                r.LogTail = logTail.Text();
            }, CancellationToken.None).ConfigureAwait(false);
            return 1;
        }
    }

    private async Task<string> TrainAndDecideAsync(RunRowWriter row, string work, RetrainingOptions settings, CancellationToken ct)
    {
        var run = row.Run;
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        string data = Path.Combine(work, "data"), output = Path.Combine(work, "output"), currentFolder = Path.Combine(work, "current");

        var snapshot = await storage.ComputeDatasetDigestAsync(ct).ConfigureAwait(false);
        if (snapshot.BlobCount == 0) throw new InvalidDataException("datasets/ holds no labelled data to train on.");
        int blobs = await storage.DownloadDatasetsAsync(data, ct).ConfigureAwait(false);
        string train = Path.Combine(data, "train"), validation = Path.Combine(data, "val");
        foreach (var split in new[] { train, validation })
        {
            if (!File.Exists(Path.Combine(split, "annotations.json")))
                throw new InvalidDataException($"datasets/ has no {Path.GetFileName(split)}/annotations.json (expected train/ and val/, each a COCO annotations.json + images/).");
        }
        LogDownloaded(run.RunId, blobs, snapshot.Digest);

        var current = await storage.Registry.GetCurrentAsync(ct).ConfigureAwait(false);
        string? baselineVersion = current?.Pointer.Version;
        if (baselineVersion is not null)
            await storage.Registry.DownloadAsync(baselineVersion, currentFolder, ct, withTrainingFiles: true).ConfigureAwait(false);
        var architecture = Architecture(run, baselineVersion is null ? null : currentFolder);
        int steps = run.RequestedSteps ?? settings.Steps;
        await row.SaveAsync(r =>
        {
            r.DatasetDigest = string.IsNullOrEmpty(r.DatasetDigest) ? snapshot.Digest : r.DatasetDigest;
            (r.TotalSteps, r.BaselineModelVersion) = (steps, baselineVersion);
        }, ct).ConfigureAwait(false);

        var outcome = await new TrainingRun(settings.Trainer(steps), loggerFactory).RunAsync(new TrainingRequest
        {
            TrainData = train,
            ValidationData = validation,
            OutputDirectory = output,
            Architecture = architecture,
            FineTuneFrom = baselineVersion is null ? null : currentFolder,
            FineTuneFromName = baselineVersion,
            Size = settings.Size,
            Backbone = settings.Backbone,
            ImageSize = settings.ImageSize,
            ModelName = "cloudseg-retrained",
            ModelVersion = run.RunId,
        }, row, null, ct).ConfigureAwait(false);
        await row.SaveAsync(r => r.WarmStart = outcome.Initialisation, ct).ConfigureAwait(false);

        var candidate = await ValidationScoring.ScoreAsync(outcome.ModelDirectory, validation, settings.EvaluationScoreThreshold, settings.Threads, ct).ConfigureAwait(false);
        var baseline = baselineVersion is null
            ? null
            : await ValidationScoring.ScoreAsync(currentFolder, validation, settings.EvaluationScoreThreshold, settings.Threads, ct).ConfigureAwait(false);
        LogScored(run.RunId, candidate.MaskAp, baselineVersion, baseline?.MaskAp, candidate.Images);

        await storage.Registry.UploadAsync(run.RunId, outcome.ModelDirectory, ct).ConfigureAwait(false);
        var decision = PromotionRule.Decide(candidate.MaskAp, baseline?.MaskAp, settings.MinImprovement);
        var sentence = decision.Sentence;
        var promote = decision.Promote;
        // Someone may have promoted another model by hand while this one trained: the comparison no longer holds.
        if (promote && (await storage.Registry.GetCurrentAsync(ct).ConfigureAwait(false))?.Pointer.Version is var now && now != baselineVersion)
        {
            promote = false;
            sentence = $"kept current: the current model changed from {baselineVersion ?? "none"} to {now} during the run";
        }
        if (promote)
            await storage.Registry.PromoteAsync(run.RunId, $"training run {run.RunId}: {sentence}", ct).ConfigureAwait(false);
        await row.SaveAsync(r =>
        {
            (r.ModelVersion, r.MaskAp, r.BaselineMaskAp, r.Promoted) = (run.RunId, candidate.MaskAp, baseline?.MaskAp, promote);
        }, ct).ConfigureAwait(false);
        return sentence;
    }

    /// <summary>
    /// What the run trains: the family the request names, else the current model's (a YOLO-seg model, which CloudSeg
    /// does not train, and no current model at all give Mask R-CNN).
    /// </summary>
    private static ModelArchitecture Architecture(TrainingRunEntity run, string? currentFolder)
    {
        if (run.RequestedArchitecture is { } requested) return ModelArchitectures.Parse(requested);
        if (currentFolder is null) return ModelArchitecture.MaskRcnn;
        var current = ModelCard.Read(Path.Combine(currentFolder, Training.Export.ModelPackageExporter.CardFileName)).Architecture;
        return current == ModelArchitecture.Yolact ? ModelArchitecture.Yolact : ModelArchitecture.MaskRcnn;
    }

    /// <summary>The package is in the registry now; a failed run's folder stays for a person to look into.</summary>
    private void RemoveWorkFolder(string work)
    {
        try
        {
            Directory.Delete(work, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogWorkFolderKept(e, work);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove the work folder {Work}")]
    private partial void LogWorkFolderKept(Exception exception, string work);

    [LoggerMessage(Level = LogLevel.Error, Message = "Training run {RunId} does not exist")]
    private partial void LogNoSuchRun(string runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Training run {RunId} already ended ({Status}); not running it again")]
    private partial void LogAlreadyEnded(string runId, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training run {RunId}: downloaded {Blobs} dataset blobs (digest {Digest})")]
    private partial void LogDownloaded(string runId, int blobs, string digest);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training run {RunId}: candidate mask AP {CandidateAp:F3}, current {CurrentVersion} {CurrentAp:F3}, on {Images} validation images")]
    private partial void LogScored(string runId, double candidateAp, string? currentVersion, double? currentAp, int images);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training run {RunId} succeeded: {Decision}")]
    private partial void LogSucceeded(string runId, string decision);

    [LoggerMessage(Level = LogLevel.Error, Message = "Training run {RunId} failed: {Reason}")]
    private partial void LogFailed(Exception exception, string runId, string reason);
}
