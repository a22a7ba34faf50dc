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

    /// <summary>
    /// Writes the whole row only if nobody wrote it since <paramref name="row"/> was read or written (its ETag; a row
    /// without one is only inserted). False when another writer came first: the caller re-reads and decides again.
    /// </summary>
    public async Task<bool> TryReplaceImageAsync(ImageIndexEntity row, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(row.RowKey)) row.RowKey = TableKeys.EncodeBlobName(row.BlobName);
        var entity = ImageIndexMapping.ToTableEntity(row);
        try
        {
            var response = row.ETag == default
                ? await Images.AddEntityAsync(entity, ct).ConfigureAwait(false)
                : await Images.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
            row.ETag = response.Headers.ETag ?? row.ETag;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Deletes the row only if it is still the one <paramref name="row"/> was read or written as; false otherwise.</summary>
    public async Task<bool> TryDeleteImageAsync(ImageIndexEntity row, CancellationToken ct = default)
    {
        if (row.ETag == default) return false;
        try
        {
            await Images.DeleteEntityAsync(row.PartitionKey, TableKeys.EncodeBlobName(row.BlobName), row.ETag, ct).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return ex.Status == 404;
        }
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
