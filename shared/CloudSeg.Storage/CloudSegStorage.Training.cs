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
}
