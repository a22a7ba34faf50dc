using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace CloudSeg.Storage;

public sealed partial class CloudSegStorage
{
    /// <summary>The index row of <paramref name="blobName"/>, or null when the blob was never announced.</summary>
    public async Task<ImageIndexEntity?> GetImageAsync(string blobName, CancellationToken ct = default)
    {
        var response = await Images.GetEntityIfExistsAsync<TableEntity>(StorageNames.UploadsContainer,
            TableKeys.EncodeBlobName(blobName), cancellationToken: ct).ConfigureAwait(false);
        return response.HasValue ? ImageIndexMapping.FromTableEntity(response.Value!) : null;
    }

    /// <summary>Writes the whole row (replacing class columns of an earlier result). Unconditional: last writer wins.</summary>
    public async Task UpsertImageAsync(ImageIndexEntity row, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(row.RowKey)) row.RowKey = TableKeys.EncodeBlobName(row.BlobName);
        var response = await Images.UpsertEntityAsync(ImageIndexMapping.ToTableEntity(row), TableUpdateMode.Replace, ct).ConfigureAwait(false);
        row.ETag = response.Headers.ETag ?? row.ETag;
    }

    /// <summary>One page of rows matching <paramref name="query"/>, in blob-name order; pass the returned token for the next.</summary>
    public async Task<ImagePage> QueryImagesPageAsync(ImageQuery query, int pageSize = 50, string? continuationToken = null, CancellationToken ct = default)
    {
        await foreach (var page in Images.QueryAsync<TableEntity>(query.ToFilter(), pageSize, cancellationToken: ct)
                           .AsPages(continuationToken, pageSize).ConfigureAwait(false))
        {
            return new ImagePage(page.Values.Select(ImageIndexMapping.FromTableEntity).ToList(), page.ContinuationToken);
        }
        return new ImagePage([], null);
    }

    /// <summary>Every row matching <paramref name="query"/>; <paramref name="select"/> limits the columns fetched.</summary>
    public async IAsyncEnumerable<ImageIndexEntity> QueryImagesAsync(ImageQuery query, IEnumerable<string>? select = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var entity in Images.QueryAsync<TableEntity>(query.ToFilter(), maxPerPage: 1000, select, ct).ConfigureAwait(false))
        {
            yield return ImageIndexMapping.FromTableEntity(entity);
        }
    }

    /// <summary>How many rows are in each status (reads only the Status column).</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountByStatusAsync(CancellationToken ct = default)
    {
        var counts = ImageStatus.All.ToDictionary(s => s, _ => 0);
        await foreach (var row in QueryImagesAsync(new ImageQuery(), [nameof(ImageIndexEntity.Status)], ct).ConfigureAwait(false))
        {
            counts[row.Status] = counts.GetValueOrDefault(row.Status) + 1;
        }
        return counts;
    }
}
