using CloudSeg.Functions.LocalRunner;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Hosting;

/// <summary>The local runner as a real process, killed mid-backlog and restarted: nothing accepted is lost or doubled.</summary>
public sealed class RestartRecoveryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const int Uploads = 24;

    [Fact]
    public async Task Killing_the_host_mid_backlog_loses_nothing_and_duplicates_nothing_after_a_restart()
    {
        var storage = CloudSegStorage.Create(new StorageOptions { ConnectionString = azurite.ConnectionString });
        var settings = FunctionsSettings.For(azurite.ConnectionString);
        settings["Functions:VisibilityTimeout"] = "00:00:03"; // messages of the killed host come back quickly
        settings["Functions:ScanInterval"] = "00:00:00"; // only the queue may drive the work here

        var receipts = new List<UploadReceipt>();
        for (var i = 0; i < Uploads; i++)
            receipts.Add(await storage.UploadImageAsync($"restart/{i:D3}.png", new MemoryStream(i % 3 == 0 ? TestImages.Shapes : TestImages.SmallShapes)));

        await using (var first = LocalRunnerProcess.Start(settings))
        {
            await first.WaitHealthyAsync(TimeSpan.FromSeconds(60));
            await Eventually.TrueAsync(async () => await CountAsync(storage, ImageStatus.Succeeded) >= 3, "some images to be done", TimeSpan.FromSeconds(60));
            first.Kill();
        }
        var doneBeforeRestart = await CountAsync(storage, ImageStatus.Succeeded);
        Assert.True(doneBeforeRestart < Uploads, "the host was killed with work left");

        await using var second = LocalRunnerProcess.Start(settings);
        await second.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        var rows = await Task.WhenAll(receipts.Select(r => WaitFinished(storage, r)));

        Assert.All(rows, row => Assert.Equal(ImageStatus.Succeeded, row.Status));
        var indexed = new List<ImageIndexEntity>();
        await foreach (var row in storage.QueryImagesAsync(new ImageQuery { NamePrefix = "restart/" })) indexed.Add(row);
        Assert.Equal(Uploads, indexed.Count);
        Assert.Equal(Uploads, indexed.Select(r => r.BlobName).Distinct().Count());
        foreach (var receipt in receipts) Assert.NotNull(await storage.ReadResultAsync(receipt.BlobName));
        await Eventually.TrueAsync(async () => await storage.GetQueueDepthAsync() == 0, "the queue to drain");
        await second.DisposeAsync();
        Directory.Delete(settings["Models:CacheDirectory"]!, recursive: true);
    }

    private static async Task<int> CountAsync(CloudSegStorage storage, string status)
    {
        var count = 0;
        await foreach (var _ in storage.QueryImagesAsync(new ImageQuery { NamePrefix = "restart/", Status = status }, [nameof(ImageIndexEntity.Status)])) count++;
        return count;
    }

    private static Task<ImageIndexEntity> WaitFinished(CloudSegStorage storage, UploadReceipt receipt) =>
        Eventually.ValueAsync(async () =>
        {
            var row = await storage.GetImageAsync(receipt.BlobName);
            return row is { IsFinished: true } ? row : null;
        }, receipt.BlobName + " to finish", TimeSpan.FromSeconds(90));
}
