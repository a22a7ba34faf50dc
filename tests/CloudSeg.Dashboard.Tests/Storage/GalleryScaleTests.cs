using System.Diagnostics;
using Azure.Data.Tables;
using CloudSeg.Dashboard.Services;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace CloudSeg.Dashboard.Tests.Storage;

/// <summary>
/// The gallery at 100,000 index rows: the first page, a page deep in the table (by continuation token) and a
/// server-filtered page each cost one short round of Table queries, not a scan of everything into the dashboard.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class GalleryScaleTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int RowCount = 100_000;

    [Fact]
    public async Task Pages_stay_fast_with_100000_rows()
    {
        var storage = StorageCollection.StorageFor(azurite);
        await storage.EnsureCreatedAsync();
        var prefix = $"scale-{Guid.NewGuid():N}/";
        var seeding = Stopwatch.StartNew();
        await SeedAsync(storage.Images, prefix);
        output.WriteLine($"seeded {RowCount} rows in {seeding.Elapsed.TotalSeconds:0.0} s");
        var gallery = new GalleryService(storage, Options.Create(new DashboardOptions { GalleryPageSize = 60 }));

        var first = await TimedAsync("first page", () => gallery.GetPageAsync(new GalleryFilter { NamePrefix = prefix }, null, CancellationToken.None));
        Assert.Equal(60, first.Page.Rows.Count);
        Assert.NotNull(first.Page.ContinuationToken);

        // Walk 20 pages (1,200 rows) by token, as a user scrolling far down does; each page is one query.
        var token = first.Page.ContinuationToken;
        var walk = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++) token = (await gallery.GetPageAsync(new GalleryFilter { NamePrefix = prefix }, token, CancellationToken.None)).ContinuationToken;
        output.WriteLine($"20 further pages: {walk.ElapsedMilliseconds} ms ({walk.ElapsedMilliseconds / 20.0:0} ms/page)");

        // A name prefix deep in the table is a RowKey range: the server seeks there instead of scanning.
        var deep = await TimedAsync("prefix deep in the table", () =>
            gallery.GetPageAsync(new GalleryFilter { NamePrefix = $"{prefix}0999" }, null, CancellationToken.None));
        Assert.Equal(60, deep.Page.Rows.Count);
        Assert.All(deep.Page.Rows, r => Assert.StartsWith($"{prefix}0999", r.BlobName));

        var failed = await TimedAsync("status filter", () =>
            gallery.GetPageAsync(new GalleryFilter { NamePrefix = prefix, Status = ImageStatus.Failed }, null, CancellationToken.None));
        Assert.Equal(60, failed.Page.Rows.Count);
        Assert.All(failed.Page.Rows, r => Assert.Equal(ImageStatus.Failed, r.Status));

        // Alone on this machine: ~0.6 s, ~0.1 s and ~0.3 s per page. The bounds leave room for a busy CI machine and
        // still fail an implementation that reads the whole table (100,000 rows take Azurite tens of seconds).
        Assert.True(first.Elapsed < TimeSpan.FromSeconds(5), $"first page took {first.Elapsed}");
        Assert.True(deep.Elapsed < TimeSpan.FromSeconds(5), $"deep prefix page took {deep.Elapsed}");
        Assert.True(walk.Elapsed < TimeSpan.FromSeconds(60), $"20 pages took {walk.Elapsed}");
    }

    private async Task<(ImagePage Page, TimeSpan Elapsed)> TimedAsync(string what, Func<Task<ImagePage>> query)
    {
        var watch = Stopwatch.StartNew();
        var page = await query();
        output.WriteLine($"{what}: {watch.ElapsedMilliseconds} ms, {page.Rows.Count} rows");
        return (page, watch.Elapsed);
    }

    /// <summary>Rows in batches of 100 (one Table transaction each): every 20th failed, classes and scores varied.</summary>
    private static async Task SeedAsync(TableClient table, string prefix)
    {
        var now = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(0, RowCount / 100), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, ct) =>
        {
            var actions = Enumerable.Range(batch * 100, 100).Select(i =>
            {
                var name = $"{prefix}{i:D6}.jpg";
                var entity = new TableEntity(StorageNames.UploadsContainer, TableKeys.EncodeBlobName(name))
                {
                    [nameof(ImageIndexEntity.BlobName)] = name,
                    [nameof(ImageIndexEntity.Status)] = i % 20 == 0 ? ImageStatus.Failed : ImageStatus.Succeeded,
                    [nameof(ImageIndexEntity.Classes)] = i % 3 == 0 ? "circle,square" : "circle",
                    [ImageIndexEntity.ClassColumn("circle")] = 1,
                    [nameof(ImageIndexEntity.TopScore)] = (i % 100) / 100.0,
                    [nameof(ImageIndexEntity.UploadedAt)] = now,
                    [nameof(ImageIndexEntity.InstanceCount)] = 1 + i % 5,
                };
                if (i % 3 == 0) entity[ImageIndexEntity.ClassColumn("square")] = 1;
                return new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity);
            });
            await table.SubmitTransactionAsync(actions, ct);
        });
    }
}
