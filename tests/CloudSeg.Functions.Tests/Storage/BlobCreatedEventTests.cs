using System.Text;
using Azure.Messaging.EventGrid;
using Azure.Messaging.EventGrid.SystemEvents;
using CloudSeg.Storage;

namespace CloudSeg.Functions.Tests.Storage;

public class BlobCreatedEventTests
{
    // The shape Event Grid writes into a storage queue for a blob upload (Event Grid event schema, one event per message).
    private const string EventGridSample = """
        {"topic":"/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/cloudsegdata",
         "subject":"/blobServices/default/containers/uploads/blobs/holiday/beach 1.jpg",
         "eventType":"Microsoft.Storage.BlobCreated","id":"6d79dbfb-0e37-4fc4-981f-442c9ca54e26",
         "data":{"api":"PutBlockList","clientRequestId":"4c5dd7fb-2c48-4a27-bb30-5361b5de920a","requestId":"9aeb0fdf-c01e-0131-0922-9eb549000000",
                 "eTag":"0x8D76C39E4407333","contentType":"image/jpeg","contentLength":30699,"blobType":"BlockBlob",
                 "url":"https://cloudsegdata.blob.core.windows.net/uploads/holiday/beach%201.jpg",
                 "sequencer":"000000000000000000000000000099240000000000c41c18","storageDiagnostics":{"batchId":"681fe319-3006-00a8-0022-9e7cde000000"}},
         "dataVersion":"","metadataVersion":"1","eventTime":"2024-11-07T14:32:07.1234567Z"}
        """;

    [Fact]
    public void Decodes_an_event_grid_message_whether_base64_or_raw()
    {
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(EventGridSample));
        foreach (var body in new[] { EventGridSample, base64, "[" + EventGridSample + "]" })
        {
            var e = BlobCreatedEventCodec.Decode(body);
            Assert.Equal("uploads", e.ContainerName);
            Assert.Equal("holiday/beach 1.jpg", e.BlobName);
            Assert.Equal("0x8D76C39E4407333", e.Data.ETag);
            Assert.Equal(30699, e.Data.ContentLength);
            Assert.Equal("PutBlockList", e.Data.Api);
        }
    }

    [Fact]
    public void Events_we_raise_parse_with_the_event_grid_sdk_as_blob_created()
    {
        var ours = BlobCreatedEventCodec.Create("devstoreaccount1", "uploads", "dir/ü x.png",
            new Uri("http://127.0.0.1:10000/devstoreaccount1/uploads/dir/%C3%BC%20x.png"), "0x1", "image/png", 1234, DateTimeOffset.UtcNow);
        var parsed = EventGridEvent.Parse(BinaryData.FromString(BlobCreatedEventCodec.ToJson(ours)));

        Assert.Equal(SystemEventNames.StorageBlobCreated, parsed.EventType);
        Assert.Equal("/blobServices/default/containers/uploads/blobs/dir/ü x.png", parsed.Subject);
        Assert.True(parsed.TryGetSystemEventData(out var data));
        var blob = Assert.IsType<StorageBlobCreatedEventData>(data);
        Assert.Equal("0x1", blob.ETag);
        Assert.Equal(1234, blob.ContentLength);
        Assert.Equal("image/png", blob.ContentType);
        Assert.Equal("BlockBlob", blob.BlobType);
        Assert.Equal(ours.Data.Url, blob.Url);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"eventType\":\"Microsoft.Storage.BlobDeleted\",\"subject\":\"/blobServices/default/containers/uploads/blobs/a.jpg\"}")]
    [InlineData("{\"eventType\":\"Microsoft.Storage.BlobCreated\",\"subject\":\"/somewhere/else\"}")]
    [InlineData("{\"eventType\":")]
    public void Rejects_messages_that_are_not_blob_created_events(string body)
    {
        Assert.Throws<FormatException>(() => BlobCreatedEventCodec.Decode(body));
    }

    [Theory]
    [InlineData("../results/x/canary.txt", "'..' segment")]
    [InlineData("a/%2E%2E/..", "'..' segment")]
    [InlineData("..", "'..' segment")]
    [InlineData("/abs.png", "starts with '/'")]
    [InlineData("photo\u202Egnp.png", "U+202E")]
    public void Refuses_events_whose_blob_name_leaves_the_container(string blobName, string reason)
    {
        var body = BlobCreatedEventCodec.ToJson(BlobCreatedEventCodec.Create("devstoreaccount1", StorageNames.UploadsContainer, blobName,
            new Uri("http://127.0.0.1:10000/devstoreaccount1/uploads/x"), "0x1", "image/png", 1, DateTimeOffset.UtcNow));
        var ex = Assert.Throws<FormatException>(() => BlobCreatedEventCodec.Decode(body));
        Assert.Contains(reason, ex.Message);
        Assert.DoesNotContain("\u202E", ex.Message); // shown escaped, never as the raw override
    }
}
