using CloudSeg.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Training;

/// <summary>
/// The scheduled retraining function. Each tick: finish runs whose job ended (upload, compare, promote), start a run a
/// person requested, else start a new job only if the labelled data under <c>datasets/</c> changed since the last run
/// (digest of blob ETags) and no run is in progress. Every run is a row in <c>trainingruns</c>.
/// </summary>
public sealed partial class RetrainOnSchedule(
    CloudSegStorage storage,
    ITrainingJobLauncher launcher,
    IOptions<TrainingOptions> options,
    TimeProvider time,
    ILogger<RetrainOnSchedule> logger)
{
    public sealed record Result(string Action, string Reason, TrainingRunEntity? Run);

    public async Task<Result> RunAsync(string trigger, CancellationToken ct)
    {
        if (await PollAsync(ct).ConfigureAwait(false) is { } requested) return requested;
        var runs = await storage.ListTrainingRunsAsync(20, ct).ConfigureAwait(false);
        if (runs.FirstOrDefault(r => r.Status == TrainingRunStatus.Started) is { } running)
            return Skip($"run {running.RunId} is still in progress");

        var snapshot = await DatasetDigest.ComputeAsync(storage.Datasets, ct).ConfigureAwait(false);
        if (snapshot.BlobCount == 0) return Skip("datasets/ holds no labelled data");
        var last = runs.FirstOrDefault(r => r.Status != TrainingRunStatus.Requested);
        if (last is not null && last.DatasetDigest == snapshot.Digest)
            return Skip($"datasets/ unchanged since run {last.RunId} (digest {snapshot.Digest[..12]})");

        var now = time.GetUtcNow();
        var run = TrainingRunEntity.Start($"train-{now:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}", trigger, snapshot.Digest, now);
        return await LaunchAsync(run, snapshot, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The frequent tick (every few minutes, between schedule occurrences): finishes ended runs, then starts the oldest
    /// run a person requested, whether or not datasets/ changed. Returns the started run, if any.
    /// </summary>
    public async Task<Result?> PollAsync(CancellationToken ct)
    {
        await FinishRunsAsync(ct).ConfigureAwait(false);
        var runs = await storage.ListTrainingRunsAsync(20, ct).ConfigureAwait(false);
        if (runs.Any(r => r.Status == TrainingRunStatus.Started)) return null;
        var requested = runs.Where(r => r.Status == TrainingRunStatus.Requested).MinBy(r => r.StartedAt);
        if (requested is null) return null;
        var snapshot = await DatasetDigest.ComputeAsync(storage.Datasets, ct).ConfigureAwait(false);
        if (snapshot.BlobCount == 0)
        {
            Fail(requested, "datasets/ holds no labelled data to train on.");
            await storage.SaveTrainingRunAsync(requested, ct).ConfigureAwait(false);
            return new Result("failed", requested.Error!, requested);
        }
        requested.DatasetDigest = snapshot.Digest;
        return await LaunchAsync(requested, snapshot, ct).ConfigureAwait(false);
    }

    private async Task<Result> LaunchAsync(TrainingRunEntity run, DatasetSnapshot snapshot, CancellationToken ct)
    {
        run.Status = TrainingRunStatus.Started;
        await storage.SaveTrainingRunAsync(run, ct).ConfigureAwait(false);
        try
        {
            var started = await launcher.StartAsync(run, ct).ConfigureAwait(false);
            run.ExecutionId = started.ExecutionId;
            run.LogsLocation = started.LogsLocation;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Fail(run, $"Could not start the training job: {ex.Message}");
        }
        await storage.SaveTrainingRunAsync(run, ct).ConfigureAwait(false);
        LogRunStarted(run.RunId, run.Trigger, snapshot.BlobCount, run.Status);
        return new Result(run.Status == TrainingRunStatus.Started ? "started" : "failed", run.Error ?? "datasets/ changed", run);
    }

    /// <summary>Completes every started run whose job has ended; returns the runs it completed.</summary>
    public async Task<IReadOnlyList<TrainingRunEntity>> FinishRunsAsync(CancellationToken ct)
    {
        var finished = new List<TrainingRunEntity>();
        foreach (var run in await storage.ListTrainingRunsAsync(20, ct).ConfigureAwait(false))
        {
            if (run.Status != TrainingRunStatus.Started) continue;
            var state = await launcher.GetStateAsync(run, ct).ConfigureAwait(false);
            switch (state.Status)
            {
                case TrainingJobStatus.Succeeded:
                    await CompleteAsync(run, state, ct).ConfigureAwait(false);
                    break;
                case TrainingJobStatus.Failed:
                    Fail(run, state.Error ?? "The training job failed.");
                    break;
                case TrainingJobStatus.Running when time.GetUtcNow() - run.StartedAt > options.Value.RunTimeout:
                    Fail(run, $"No result after {options.Value.RunTimeout}; gave up on the job.");
                    break;
                default:
                    continue;
            }
            await storage.SaveTrainingRunAsync(run, ct).ConfigureAwait(false);
            finished.Add(run);
        }
        return finished;
    }

    private async Task CompleteAsync(TrainingRunEntity run, TrainingJobState state, CancellationToken ct)
    {
        var version = run.RunId;
        try
        {
            if (state.PackageDirectory is not null)
                await storage.Registry.UploadAsync(version, state.PackageDirectory, ct).ConfigureAwait(false);
            var candidateCard = await storage.Registry.ReadCardJsonAsync(version, ct).ConfigureAwait(false)
                ?? throw new InvalidDataException($"The job left no model card at models/{ModelRegistry.CardPath(version)}.");
            var current = await storage.Registry.GetCurrentAsync(ct).ConfigureAwait(false);
            var currentCard = current is { } c ? await storage.Registry.ReadCardJsonAsync(c.Pointer.Version, ct).ConfigureAwait(false) : null;
            var decision = ModelPromotion.Decide(candidateCard, currentCard);

            run.ModelVersion = version;
            run.MaskAp = decision.CandidateMaskAp;
            run.BaselineMaskAp = decision.CurrentMaskAp;
            run.BaselineModelVersion = current?.Pointer.Version;
            run.Promoted = decision.Promote;
            run.Status = TrainingRunStatus.Succeeded;
            run.Error = decision.Promote ? null : decision.Reason;
            run.FinishedAt = time.GetUtcNow();
            if (decision.Promote)
                await storage.Registry.PromoteAsync(version, $"training run {run.RunId}: {decision.Reason}", ct).ConfigureAwait(false);
            LogRunFinished(run.RunId, decision.Promote, decision.Reason);
        }
        catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException or System.Text.Json.JsonException)
        {
            Fail(run, ex.Message);
        }
    }

    private void Fail(TrainingRunEntity run, string error)
    {
        run.Status = TrainingRunStatus.Failed;
        run.Error = error;
        run.FinishedAt = time.GetUtcNow();
        LogRunFailed(run.RunId, error);
    }

    private Result Skip(string reason)
    {
        LogSkipped(reason);
        return new Result("skipped", reason, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining skipped: {Reason}")]
    private partial void LogSkipped(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training run {RunId} ({Trigger}) on {BlobCount} dataset blobs: {Status}")]
    private partial void LogRunStarted(string runId, string trigger, int blobCount, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Training run {RunId} finished; promoted: {Promoted}. {Reason}")]
    private partial void LogRunFinished(string runId, bool promoted, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training run {RunId} failed: {Error}")]
    private partial void LogRunFailed(string runId, string error);
}
