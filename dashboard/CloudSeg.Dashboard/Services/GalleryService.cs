using CloudSeg.Storage;
using Microsoft.Extensions.Options;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// Pages through the image index on the server. Table storage may return short or even empty pages while it scans
/// past rows a filter rejects (and a name fragment is matched here, row by row), so one gallery page keeps following
/// the continuation token until it has enough rows or the table ends.
/// </summary>
public sealed class GalleryService(CloudSegStorage storage, IOptions<DashboardOptions> options)
{
    public async Task<ImagePage> GetPageAsync(GalleryFilter filter, string? continuationToken, CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        var pageSize = options.Value.GalleryPageSize;
        var query = filter.ToQuery();
        var rows = new List<ImageIndexEntity>(pageSize);
        var token = continuationToken;
        do
        {
            var page = await storage.QueryImagesPageAsync(query, pageSize - rows.Count, token, ct);
            rows.AddRange(page.Rows.Where(filter.MatchesName));
            token = page.ContinuationToken;
        }
        while (rows.Count < pageSize && token is not null);
        return new ImagePage(rows, token);
    }

    /// <summary>
    /// Rows matching <paramref name="filter"/> that were written at or after <paramref name="since"/>: new uploads and
    /// status changes, so an open gallery follows the index without a reload. Table storage evaluates the Timestamp
    /// clause itself, so only the changed rows travel.
    /// </summary>
    public async Task<IReadOnlyList<ImageIndexEntity>> GetChangedAsync(GalleryFilter filter, DateTimeOffset since, CancellationToken ct)
    {
        var rows = new List<ImageIndexEntity>();
        await foreach (var row in storage.QueryImagesAsync(filter.ToQuery() with { ChangedSince = since }, ct: ct))
        {
            if (filter.MatchesName(row)) rows.Add(row);
        }
        return rows;
    }

    /// <summary>The current rows of <paramref name="blobNames"/> (missing rows are left out), read in parallel.</summary>
    public async Task<IReadOnlyDictionary<string, ImageIndexEntity>> GetRowsAsync(IReadOnlyCollection<string> blobNames, CancellationToken ct)
    {
        var rows = await Task.WhenAll(blobNames.Select(name => storage.GetImageAsync(name, ct)));
        return rows.OfType<ImageIndexEntity>().ToDictionary(r => r.BlobName, StringComparer.Ordinal);
    }

    /// <summary>Rows per status across the whole index (reads only the Status column).</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct);
        return await storage.CountByStatusAsync(ct);
    }
}
