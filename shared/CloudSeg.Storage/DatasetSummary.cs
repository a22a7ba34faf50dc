namespace CloudSeg.Storage;

/// <summary>What the <c>datasets</c> container holds, split by split, as <c>cloudseg dataset ls</c> and /training show it.</summary>
public sealed record DatasetSummary(IReadOnlyList<DatasetSplitSummary> Splits)
{
    public bool IsEmpty => Splits.Count == 0;
}

/// <summary>
/// One split (<c>&lt;split&gt;/annotations.json</c> + <c>&lt;split&gt;/images/</c>): image and instance counts, instances per
/// class name (classes without instances listed with 0), and when any of its blobs last changed. <see cref="Error"/> is
/// set when its annotations cannot be read.
/// </summary>
public sealed record DatasetSplitSummary(
    string Split,
    int Images,
    int Instances,
    IReadOnlyDictionary<string, int> InstancesPerClass,
    int Blobs,
    DateTimeOffset? LastChange,
    string? Error = null)
{
    public IEnumerable<string> EmptyClasses => InstancesPerClass.Where(kv => kv.Value == 0).Select(kv => kv.Key);
}
