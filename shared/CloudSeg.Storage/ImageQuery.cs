using Azure.Data.Tables;

namespace CloudSeg.Storage;

/// <summary>
/// A server-side filter over the image index. Every criterion turns into an OData clause Table storage evaluates
/// itself, so paging through 100,000 rows never downloads rows the caller did not ask for.
/// </summary>
public sealed record ImageQuery
{
    /// <summary>Only rows with this <see cref="ImageIndexEntity.Status"/>.</summary>
    public string? Status { get; init; }

    /// <summary>Only blobs whose name starts with this (a "folder"); a RowKey range.</summary>
    public string? NamePrefix { get; init; }

    /// <summary>Only rows processed by this model version.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>Only rows with at least one instance of this class.</summary>
    public string? ClassName { get; init; }

    /// <summary>Only rows with an instance of any of these classes (what a partial class name matched).</summary>
    public IReadOnlyList<string>? AnyClass { get; init; }

    public double? MinTopScore { get; init; }
    public DateTimeOffset? UploadedAfter { get; init; }
    public DateTimeOffset? UploadedBefore { get; init; }

    /// <summary>Only rows written at or after this time (the table's own <c>Timestamp</c>): new rows and changed ones.</summary>
    public DateTimeOffset? ChangedSince { get; init; }

    /// <summary>The OData filter for this query (always restricted to the uploads partition).</summary>
    public string ToFilter()
    {
        var clauses = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {StorageNames.UploadsContainer}") };
        if (!string.IsNullOrEmpty(NamePrefix))
        {
            var (from, to) = TableKeys.PrefixRange(NamePrefix);
            clauses.Add(TableClient.CreateQueryFilter($"RowKey ge {from} and RowKey lt {to}"));
        }
        if (!string.IsNullOrEmpty(Status)) clauses.Add(TableClient.CreateQueryFilter($"Status eq {Status}"));
        if (!string.IsNullOrEmpty(ModelVersion)) clauses.Add(TableClient.CreateQueryFilter($"ModelVersion eq {ModelVersion}"));
        if (!string.IsNullOrEmpty(ClassName)) clauses.Add($"{ImageIndexEntity.ClassColumn(ClassName)} gt 0");
        if (AnyClass is { Count: > 0 } any) clauses.Add("(" + string.Join(" or ", any.Select(c => $"{ImageIndexEntity.ClassColumn(c)} gt 0")) + ")");
        if (MinTopScore is { } minScore) clauses.Add(TableClient.CreateQueryFilter($"TopScore ge {minScore}"));
        if (UploadedAfter is { } after) clauses.Add(TableClient.CreateQueryFilter($"UploadedAt ge {after}"));
        if (UploadedBefore is { } before) clauses.Add(TableClient.CreateQueryFilter($"UploadedAt lt {before}"));
        if (ChangedSince is { } since) clauses.Add(TableClient.CreateQueryFilter($"Timestamp ge {since}"));
        return string.Join(" and ", clauses);
    }
}

/// <summary>One page of index rows and the token for the next page (null at the end).</summary>
public sealed record ImagePage(IReadOnlyList<ImageIndexEntity> Rows, string? ContinuationToken);
