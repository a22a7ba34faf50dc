using CloudSeg.Dashboard.Services;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.Options;

namespace CloudSeg.Dashboard.Tests.Storage;

[Collection(StorageCollection.Name)]
public sealed class GalleryServiceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Pages_follow_continuation_tokens_and_filters_run_on_the_server()
    {
        var storage = StorageCollection.StorageFor(azurite);
        await storage.EnsureCreatedAsync();
        // 130 rows under a private prefix: every 10th failed, every 3rd has a square, scores 0.00..0.99 by index.
        var prefix = $"gallery-{Guid.NewGuid():N}/";
        await Parallel.ForEachAsync(Enumerable.Range(0, 130), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await storage.UpsertImageAsync(SeededResults.Row($"{prefix}{i:D4}.jpg",
                i % 10 == 0 ? ImageStatus.Failed : ImageStatus.Succeeded,
                i % 3 == 0 ? "circle,square" : "circle", (i % 100) / 100.0, i < 65 ? "v1" : "v2"), ct));
        var gallery = new GalleryService(storage, Options.Create(new DashboardOptions { GalleryPageSize = 25 }));

        var all = await ReadAllAsync(gallery, new GalleryFilter { NamePrefix = prefix });
        Assert.Equal(130, all.Count);
        Assert.Equal(130, all.Select(r => r.BlobName).Distinct().Count());
        Assert.Equal(all.Select(r => r.BlobName).Order(StringComparer.Ordinal), all.Select(r => r.BlobName)); // name order

        var failed = await ReadAllAsync(gallery, new GalleryFilter { NamePrefix = prefix, Status = ImageStatus.Failed });
        Assert.Equal(13, failed.Count);

        var squares = await ReadAllAsync(gallery, new GalleryFilter { NamePrefix = prefix, ClassName = "square" });
        Assert.Equal(44, squares.Count);
        Assert.All(squares, r => Assert.Contains("square", r.Classes));

        var confidentV2 = await ReadAllAsync(gallery, new GalleryFilter { NamePrefix = prefix, MinScore = 0.9, ModelVersion = "v2" });
        Assert.Equal(["0090", "0091", "0092", "0093", "0094", "0095", "0096", "0097", "0098", "0099"],
            confidentV2.Select(r => r.BlobName[prefix.Length..^4]));
    }

    [Fact]
    public async Task Live_status_reads_return_current_rows_and_skip_unknown_names()
    {
        var storage = StorageCollection.StorageFor(azurite);
        await storage.EnsureCreatedAsync();
        var name = $"live-{Guid.NewGuid():N}.png";
        await storage.UpsertImageAsync(SeededResults.Row(name, ImageStatus.Processing));
        var gallery = new GalleryService(storage, Options.Create(new DashboardOptions()));

        var rows = await gallery.GetRowsAsync([name, "never-uploaded.png"], CancellationToken.None);

        Assert.Equal(ImageStatus.Processing, Assert.Single(rows).Value.Status);
    }

    private static async Task<List<ImageIndexEntity>> ReadAllAsync(GalleryService gallery, GalleryFilter filter)
    {
        var rows = new List<ImageIndexEntity>();
        string? token = null;
        do
        {
            var page = await gallery.GetPageAsync(filter, token, CancellationToken.None);
            Assert.True(page.Rows.Count <= 25);
            rows.AddRange(page.Rows);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return rows;
    }
}
