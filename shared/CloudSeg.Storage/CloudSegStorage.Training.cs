using Azure.Data.Tables;

namespace CloudSeg.Storage;

public sealed partial class CloudSegStorage
{
    /// <summary>Inserts or replaces a training run row.</summary>
    public async Task SaveTrainingRunAsync(TrainingRunEntity run, CancellationToken ct = default)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var response = await TrainingRuns.UpsertEntityAsync(run, TableUpdateMode.Replace, ct).ConfigureAwait(false);
        run.ETag = response.Headers.ETag ?? run.ETag;
    }

    /// <summary>The newest <paramref name="max"/> training runs, newest first.</summary>
    public async Task<IReadOnlyList<TrainingRunEntity>> ListTrainingRunsAsync(int max = 50, CancellationToken ct = default)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var runs = new List<TrainingRunEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TrainingRunEntity.Partition}");
        await foreach (var run in TrainingRuns.QueryAsync<TrainingRunEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: ct).ConfigureAwait(false))
        {
            runs.Add(run);
            if (runs.Count >= max) break;
        }
        return runs;
    }

    /// <summary>
    /// Records a request for a training run (the functions start it on their next tick). Throws
    /// <see cref="InvalidOperationException"/> while another run is requested or running: one job at a time.
    /// </summary>
    public Task<TrainingRunEntity> RequestTrainingRunAsync(int? steps, string trigger, CancellationToken ct = default) =>
        RequestTrainingRunAsync(steps, trigger, architecture: null, ct);

    /// <summary>A request that names the model family to train (null: the current model's).</summary>
    public async Task<TrainingRunEntity> RequestTrainingRunAsync(int? steps, string trigger, ModelCards.ModelArchitecture? architecture,
        CancellationToken ct = default)
    {
        if (steps is <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Steps must be positive.");
        if (await GetActiveTrainingRunAsync(ct).ConfigureAwait(false) is { } active)
            throw new InvalidOperationException($"A training run is already requested or running: {active.RunId}");

        var now = DateTimeOffset.UtcNow;
        var run = TrainingRunEntity.Start(TrainingRunEntity.NewRunId(now), trigger, datasetDigest: "", now);
        run.Status = TrainingRunStatus.Requested;
        run.RequestedSteps = steps;
        run.RequestedArchitecture = architecture is { } a ? ModelCards.ModelArchitectures.ToCardName(a) : null;
        await SaveTrainingRunAsync(run, ct).ConfigureAwait(false);
        return run;
    }

    /// <summary>
    /// The run still going (requested or started, <see cref="TrainingRunActivity.IsActive"/>), or null: one query over
    /// the whole table, however many runs ended since.
    /// </summary>
    public async Task<TrainingRunEntity?> GetActiveTrainingRunAsync(CancellationToken ct = default)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {TrainingRunEntity.Partition} and (Status eq {TrainingRunStatus.Requested} or Status eq {TrainingRunStatus.Started})");
        await foreach (var active in TrainingRuns.QueryAsync<TrainingRunEntity>(filter, maxPerPage: 1, cancellationToken: ct).ConfigureAwait(false))
            return active;
        return null;
    }

    /// <summary>The run with this id, or null.</summary>
    public async Task<TrainingRunEntity?> GetTrainingRunAsync(string runId, CancellationToken ct = default)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TrainingRunEntity.Partition} and RunId eq {runId}");
        await foreach (var run in TrainingRuns.QueryAsync<TrainingRunEntity>(filter, maxPerPage: 1, cancellationToken: ct).ConfigureAwait(false))
            return run;
        return null;
    }
}
