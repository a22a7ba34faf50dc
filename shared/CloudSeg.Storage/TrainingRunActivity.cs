namespace CloudSeg.Storage;

/// <summary>Which runs are still going: requested or started. While one is, no other may be requested and datasets/ stays as it is.</summary>
public static class TrainingRunActivity
{
    public static bool IsActive(this TrainingRunEntity run) => run.Status is TrainingRunStatus.Requested or TrainingRunStatus.Started;

    /// <summary>The newest active run of a newest-first list, if any.</summary>
    public static TrainingRunEntity? FirstActive(this IEnumerable<TrainingRunEntity> runs) => runs.FirstOrDefault(IsActive);
}
