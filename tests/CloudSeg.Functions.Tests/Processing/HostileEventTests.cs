using CloudSeg.Functions.Processing;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CloudSeg.Functions.Tests.Processing;

/// <summary>Events nobody should be able to act on: they are dropped (and logged) without touching storage.</summary>
public class HostileEventTests(LocalRunnerFixture host) : IClassFixture<LocalRunnerFixture>
{
    private SegmentImage Function => host.Services.GetRequiredService<SegmentImage>();

    private string EventFor(string container, string blobName) => BlobCreatedEventCodec.ToJson(BlobCreatedEventCodec.Create(
        "devstoreaccount1", container, blobName, new Uri($"http://127.0.0.1:10000/devstoreaccount1/{container}/x"),
        "0x8D0000000000001", "image/png", 100, DateTimeOffset.UtcNow));

    [Fact]
    public async Task An_event_naming_a_blob_in_another_container_by_traversal_touches_nothing_there()
    {
        var canary = $"canary-{Guid.NewGuid():N}/canary.txt";
        await host.Storage.Results.GetBlobClient(canary).UploadAsync(BinaryData.FromString("keep me"));

        var outcome = await Function.RunAsync(EventFor(StorageNames.UploadsContainer, "../results/" + canary),
            new MessageDelivery("m-traversal", 1), CancellationToken.None);

        // Refused where it is decoded: the message goes to the poison queue with the reason, as any unreadable one.
        Assert.Equal(SegmentOutcomeKind.Unreadable, outcome.Kind);
        Assert.Contains("'..' segment", outcome.Reason);
        Assert.True(await host.Storage.Results.GetBlobClient(canary).ExistsAsync());
        Assert.Null(await host.Storage.GetImageAsync("../results/" + canary));
    }

    [Fact]
    public async Task An_event_for_another_container_is_ignored_with_its_reason()
    {
        var outcome = await Function.RunAsync(EventFor(StorageNames.ResultsContainer, "x.png"),
            new MessageDelivery("m-container", 1), CancellationToken.None);

        Assert.Equal(SegmentOutcomeKind.Ignored, outcome.Kind);
        Assert.Contains("container 'results'", outcome.Reason);
        Assert.Null(await host.Storage.GetImageAsync("x.png"));
    }

    [Fact]
    public async Task A_forged_event_for_a_blob_that_never_existed_creates_no_failed_row()
    {
        var name = $"{Guid.NewGuid():N}/never-uploaded.png";
        var outcome = await Function.RunAsync(EventFor(StorageNames.UploadsContainer, name),
            new MessageDelivery("m-missing", 1), CancellationToken.None);

        Assert.Equal(SegmentOutcomeKind.Ignored, outcome.Kind);
        Assert.Null(await host.Storage.GetImageAsync(name));
    }

    [Fact]
    public async Task A_recorded_upload_whose_blob_vanished_leaves_no_row()
    {
        var name = $"{Guid.NewGuid():N}/vanished.png";
        await host.Storage.UpsertImageAsync(ImageIndexEntity.ForBlob(name));

        var outcome = await Function.RunAsync(EventFor(StorageNames.UploadsContainer, name),
            new MessageDelivery("m-vanished", 1), CancellationToken.None);

        // The upload was deleted after it was recorded: like a delete during processing, its row goes too.
        Assert.Equal(SegmentOutcomeKind.Superseded, outcome.Kind);
        Assert.Null(await host.Storage.GetImageAsync(name));
    }

    [Fact]
    public async Task The_scanner_skips_blobs_stored_under_a_refused_name_and_still_announces_the_rest()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var refused = $"{run}/photo\u202Egnp.png"; // storable by any tool, refused by every CloudSeg entry
        var stray = ImageIndexEntity.ForBlob($"../{run}/stray.png");
        stray.Status = ImageStatus.Queued;
        stray.SourceETag = "0x1";
        stray.QueuedAt = DateTimeOffset.UtcNow.AddHours(-1);
        await host.Storage.UpsertImageAsync(stray);
        await host.Storage.Uploads.GetBlobClient(refused).UploadAsync(new BinaryData(TestImages.SmallShapes));
        var fine = $"{run}/fine.png";
        var upload = await host.Storage.Uploads.GetBlobClient(fine).UploadAsync(new BinaryData(TestImages.SmallShapes));

        await host.Services.GetRequiredService<Scanning.UploadsScanner>().ScanAsync(CancellationToken.None);

        Assert.Equal(ImageStatus.Succeeded, (await host.WaitFinishedAsync(fine, BlobVersion.Of(upload.Value.ETag))).Status);
        Assert.Null(await host.Storage.GetImageAsync(refused));
    }
}
