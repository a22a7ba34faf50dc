using CloudSeg.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Training;

/// <summary>
/// The scheduled retraining function. Each tick: follow started runs (a job that exited without recording its end, or
/// whose heartbeat went stale, fails its run with the reason), start a run a person requested, else start a new job
/// only if the labelled data under <c>datasets/</c> changed since the last run (digest of blob ETags) and no run is in
/// progress. Every run is a row in <c>trainingruns</c>; the job itself (<c>cloudseg train-job</c>) trains, registers,
/// decides and writes the outcome.
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

        var snapshot = await storage.ComputeDatasetDigestAsync(ct).ConfigureAwait(false);
        if (snapshot.BlobCount == 0) return Skip("datasets/ holds no labelled data");
        var last = runs.FirstOrDefault(r => r.Status != TrainingRunStatus.Requested);
        if (last is not null && last.DatasetDigest == snapshot.Digest)
            return Skip($"datasets/ unchanged since run {last.RunId} (digest {snapshot.Digest[..12]})");

        var now = time.GetUtcNow();
        var run = TrainingRunEntity.Start(TrainingRunEntity.NewRunId(now), trigger, snapshot.Digest, now);
        return await LaunchAsync(run, snapshot, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The frequent tick (every few minutes, between schedule occurrences): finishes ended runs, then starts the oldest
    /// run a person requested, whether or not datasets/ changed. Returns the started (or at once failed) run, if any.
    /// </summary>
    public async Task<Result?> PollAsync(CancellationToken ct)
    {
        await FollowRunsAsync(ct).ConfigureAwait(false);
        var runs = await storage.ListTrainingRunsAsync(20, ct).ConfigureAwait(false);
        if (runs.Any(r => r.Status == TrainingRunStatus.Started)) return null;
        var requested = runs.Where(r => r.Status == TrainingRunStatus.Requested).MinBy(r => r.StartedAt);
        if (requested is null) return null;
        var snapshot = await storage.ComputeDatasetDigestAsync(ct).ConfigureAwait(false);
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
        // The heartbeat counts from the launch: a job that never comes up fails its run after HeartbeatTimeout.
        run.HeartbeatAt = time.GetUtcNow();
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

    /// <summary>
    /// Follows every started run: a job that ended without writing its outcome, or whose heartbeat is older than
    /// <see cref="TrainingOptions.HeartbeatTimeout"/>, or that outlived <see cref="TrainingOptions.RunTimeout"/>, fails its
    /// run with the reason and its log's tail. Returns the runs it failed.
    /// </summary>
    public async Task<IReadOnlyList<TrainingRunEntity>> FollowRunsAsync(CancellationToken ct)
    {
        var failed = new List<TrainingRunEntity>();
        foreach (var listed in await storage.ListTrainingRunsAsync(20, ct).ConfigureAwait(false))
        {
            if (listed.Status != TrainingRunStatus.Started) continue;
            var state = await launcher.GetStateAsync(listed, ct).ConfigureAwait(false);
            // The job writes its row until it exits: read it after the state, so an exited job's last write is seen.
            if (await storage.GetTrainingRunAsync(listed.RunId, ct).ConfigureAwait(false) is not { Status: TrainingRunStatus.Started } run) continue;
            var now = time.GetUtcNow();
            var silence = now - (run.HeartbeatAt ?? run.StartedAt);
            string? reason = state.Status switch
            {
                TrainingJobStatus.Failed => $"{state.Error ?? "The training job failed."} It recorded no outcome.",
                TrainingJobStatus.Succeeded => "The training job exited without recording an outcome.",
                _ when silence > options.Value.HeartbeatTimeout =>
                    $"No heartbeat from the training job for {silence:hh\\:mm\\:ss} (limit {options.Value.HeartbeatTimeout}); it stopped or was lost at step {run.Step ?? 0} of {run.TotalSteps?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}.",
                _ when now - run.StartedAt > options.Value.RunTimeout => $"No result after {options.Value.RunTimeout}; gave up on the job.",
                _ => null,
            };
            if (reason is null) continue;
            Fail(run, reason);
            run.LogTail = state.LogTail;
            await storage.SaveTrainingRunAsync(run, ct).ConfigureAwait(false);
            failed.Add(run);
        }
        return failed;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Training run {RunId} failed: {Error}")]
    private partial void LogRunFailed(string runId, string error);
}
