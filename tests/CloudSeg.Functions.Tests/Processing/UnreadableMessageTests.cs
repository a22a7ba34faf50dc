using System.Text;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Processing;

/// <summary>
/// Messages that are not BlobCreated events, in the same batch as valid ones (issue 11, finding 4: one message that
/// was not base64 failed every batch receive it was part of, so it and its neighbours came back again and again).
/// </summary>
public class UnreadableMessageTests(UnreadableMessageTests.WideBatchFixture host) : IClassFixture<UnreadableMessageTests.WideBatchFixture>
{
    /// <summary>Room for six messages in one receive.</summary>
    public sealed class WideBatchFixture : LocalRunnerFixture
    {
        protected override void Configure(Dictionary<string, string?> settings)
        {
            settings["Functions:MaxConcurrentImages"] = "6";
            settings["Functions:ScanInterval"] = "00:00:00"; // only the queue may drive the work here
        }
    }

    [Fact]
    public async Task Messages_that_are_not_events_go_to_the_poison_queue_at_once_and_the_valid_ones_of_their_batch_are_processed()
    {
        var prefix = Guid.NewGuid().ToString("N")[..8] + "/";
        var notBase64 = "this is not base64 {" + prefix + "}";
        var base64NotJson = Convert.ToBase64String(Encoding.UTF8.GetBytes("plain words " + prefix));
        var otherEvent = Convert.ToBase64String(Encoding.UTF8.GetBytes(
            $$$"""{"id":"{{{prefix}}}","subject":"/blobServices/default/containers/uploads/blobs/x.png","eventType":"Microsoft.Storage.BlobDeleted","data":{}}"""));

        // Every message becomes visible at the same moment, so the pump receives them together.
        var visibleIn = TimeSpan.FromSeconds(1);
        await host.Storage.RequestsUndecoded.SendMessageAsync(notBase64, visibleIn);
        var valid = new List<(string Name, string ETag)>();
        for (var i = 0; i < 3; i++)
        {
            var name = $"{prefix}valid-{i}.png";
            var blob = host.Storage.Uploads.GetBlobClient(name);
            var props = (await blob.UploadAsync(new BinaryData(TestImages.SmallShapes))).Value;
            var e = BlobCreatedEventCodec.Create("devstoreaccount1", StorageNames.UploadsContainer, name, blob.Uri,
                BlobVersion.Of(props.ETag), "image/png", TestImages.SmallShapes.Length, props.LastModified);
            await host.Storage.Requests.SendMessageAsync(BlobCreatedEventCodec.ToJson(e), visibleIn);
            valid.Add((name, BlobVersion.Of(props.ETag)));
        }
        await host.Storage.RequestsUndecoded.SendMessageAsync(base64NotJson, visibleIn);
        await host.Storage.RequestsUndecoded.SendMessageAsync(otherEvent, visibleIn);

        var rows = await Task.WhenAll(valid.Select(v => host.WaitFinishedAsync(v.Name, v.ETag)));
        Assert.All(rows, row => Assert.Equal(ImageStatus.Succeeded, row.Status));
        // Received once: a failed batch receive would have handed them out a second time.
        Assert.All(rows, row => Assert.Equal(1, row.Attempts));

        var poisoned = await Eventually.ValueAsync(async () =>
        {
            var bodies = (await host.Storage.PoisonUndecoded.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToList();
            return bodies.Count(b => b == notBase64 || b == base64NotJson || b == otherEvent) == 3 ? bodies : null;
        }, "the three unreadable messages in the poison queue");
        Assert.Equal(3, poisoned.Count); // copied as they were, once each
        await Eventually.TrueAsync(async () => await host.Storage.GetQueueDepthAsync() == 0, "the request queue to be empty");
    }
}
