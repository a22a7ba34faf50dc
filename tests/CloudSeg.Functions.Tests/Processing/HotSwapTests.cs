using CloudSeg.Functions.Models;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CloudSeg.Functions.Tests.Processing;

public class HotSwapTests(LocalRunnerFixture host) : IClassFixture<LocalRunnerFixture>
{
    [Fact]
    public async Task Promoting_a_version_under_load_swaps_models_without_failing_work_and_reprocesses_on_the_new_model()
    {
        var provider = host.Services.GetRequiredService<ModelProvider>();
        var before = provider.CurrentVersion!;
        var batch = Guid.NewGuid().ToString("N")[..8];

        var early = new List<UploadReceipt>();
        for (var i = 0; i < 16; i++)
            early.Add(await host.Storage.UploadImageAsync($"{batch}/early-{i:D2}.png", new MemoryStream(i % 2 == 0 ? TestImages.Shapes : TestImages.SmallShapes)));

        var package = TestImages.CopyTestModel(Path.Combine(Path.GetTempPath(), "cloudseg-swap-" + Guid.NewGuid().ToString("N")[..8]), "swap-2");
        try
        {
            await host.Storage.Registry.UploadAsync("swap-2", package);
            await host.Storage.Registry.PromoteAsync("swap-2", "hot swap test");
            await Eventually.TrueAsync(() => Task.FromResult(provider.CurrentVersion == "swap-2"), "the new model to be served");
        }
        finally
        {
            Directory.Delete(package, recursive: true);
        }

        var late = new List<UploadReceipt>();
        for (var i = 0; i < 4; i++)
            late.Add(await host.Storage.UploadImageAsync($"{batch}/late-{i:D2}.png", new MemoryStream(TestImages.SmallShapes)));

        var earlyRows = await Task.WhenAll(early.Select(r => host.WaitFinishedAsync(r.BlobName, r.ETag)));
        var lateRows = await Task.WhenAll(late.Select(r => host.WaitFinishedAsync(r.BlobName, r.ETag)));
        Assert.All(earlyRows.Concat(lateRows), row => Assert.Equal(ImageStatus.Succeeded, row.Status));
        Assert.All(earlyRows, row => Assert.Contains(row.ModelVersion, new[] { before, "swap-2" }));
        Assert.All(lateRows, row => Assert.Equal("swap-2", row.ModelVersion));

        // The same blob version with a newly promoted model is new work: an old event now yields a swap-2 result.
        var onOldModel = earlyRows.FirstOrDefault(r => r.ModelVersion == before) ?? earlyRows[0];
        var props = (await host.Storage.Uploads.GetBlobClient(onOldModel.BlobName).GetPropertiesAsync()).Value;
        var again = BlobCreatedEventCodec.Create("devstoreaccount1", StorageNames.UploadsContainer, onOldModel.BlobName,
            host.Storage.Uploads.GetBlobClient(onOldModel.BlobName).Uri, BlobVersion.Of(props.ETag), props.ContentType, props.ContentLength, props.LastModified);
        await host.Storage.Requests.SendMessageAsync(BlobCreatedEventCodec.ToJson(again));
        var reprocessed = await Eventually.ValueAsync(async () =>
        {
            var row = await host.Storage.GetImageAsync(onOldModel.BlobName);
            return row is { Status: ImageStatus.Succeeded, ModelVersion: "swap-2" } ? row : null;
        }, "the result of the new model");
        Assert.Equal("swap-2", (await host.Storage.ReadResultAsync(onOldModel.BlobName))!.Model.Version);
        Assert.Equal(onOldModel.SourceETag, reprocessed.SourceETag);
    }
}
