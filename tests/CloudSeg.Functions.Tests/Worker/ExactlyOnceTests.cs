using CloudSeg.Functions.Processing;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Storage;

namespace CloudSeg.Functions.Tests.Worker;

/// <summary>
/// One processing per upload: where Event Grid delivers the BlobCreated event (Azure), the upload path must not queue
/// a second one; where nothing does (Azurite), it queues the only one.
/// </summary>
public sealed class ExactlyOnceTests(WorkerFixture worker) : IClassFixture<WorkerFixture>
{
    [Fact]
    public void Uploads_announce_themselves_by_default_only_against_a_connection_string()
    {
        Assert.True(new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" }.UploadsAnnounceThemselves);
        var azure = new StorageOptions
        {
            BlobServiceUri = new Uri("https://acct.blob.core.windows.net"),
            QueueServiceUri = new Uri("https://acct.queue.core.windows.net"),
            TableServiceUri = new Uri("https://acct.table.core.windows.net"),
        };
        Assert.False(azure.UploadsAnnounceThemselves);
        Assert.False(new StorageOptions { ConnectionString = "UseDevelopmentStorage=true", AnnounceUploads = false }.UploadsAnnounceThemselves);
    }

    [Fact]
    public async Task With_event_grid_delivering_an_upload_queues_nothing_itself_and_the_one_event_is_processed_once()
    {
        var uploads = CloudSegStorage.Create(new StorageOptions { ConnectionString = worker.ConnectionString, AnnounceUploads = false });
        var name = "once/" + Guid.NewGuid().ToString("N")[..8] + ".png";
        var depthBefore = await worker.Storage.GetQueueDepthAsync();

        var receipt = await uploads.UploadImageAsync(name, new MemoryStream(TestImages.SmallShapes));

        Assert.Null(receipt.MessageId);
        Assert.Equal(depthBefore, await worker.Storage.GetQueueDepthAsync());
        var queued = await worker.Storage.GetImageAsync(name);
        Assert.Equal((ImageStatus.Queued, receipt.ETag), (queued!.Status, queued.SourceETag));

        // What the Event Grid subscription writes into segment-requests for this upload.
        var blob = worker.Storage.UploadBlob(name);
        var e = BlobCreatedEventCodec.Create(worker.Storage.Options.AccountName, StorageNames.UploadsContainer, name, blob.Uri,
            receipt.ETag, "image/png", TestImages.SmallShapes.Length, DateTimeOffset.UtcNow);
        await worker.Storage.Requests.SendMessageAsync(BlobCreatedEventCodec.ToJson(e));

        Assert.Equal(SegmentOutcomeKind.Succeeded, (await worker.InvokeSegmentImageAsync()).Kind);
        Assert.Null(await worker.ReceiveAsHostAsync());
        var row = await worker.Storage.GetImageAsync(name);
        Assert.Equal((ImageStatus.Succeeded, 1), (row!.Status, row.Attempts));
    }

    [Fact]
    public async Task Without_event_grid_an_upload_queues_exactly_one_event()
    {
        var name = "once-local/" + Guid.NewGuid().ToString("N")[..8] + ".png";
        var receipt = await worker.Storage.UploadImageAsync(name, new MemoryStream(TestImages.SmallShapes));

        Assert.NotNull(receipt.MessageId);
        Assert.Equal(SegmentOutcomeKind.Succeeded, (await worker.InvokeSegmentImageAsync()).Kind);
        Assert.Null(await worker.ReceiveAsHostAsync());
    }
}
