using System.Text;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Storage;

public class CloudSegStorageTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private readonly CloudSegStorage _storage = CloudSegStorage.Create(new StorageOptions { ConnectionString = azurite.ConnectionString });

    [Theory]
    [InlineData("plain.jpg")]
    [InlineData("with space/and ünïcødé 猫.png")]
    [InlineData("odd#?%chars.jpg")]
    [InlineData("dots..in..name.jpg")]
    public async Task Upload_stores_the_blob_indexes_it_as_queued_and_enqueues_its_event(string blobName)
    {
        var name = "upload-" + Guid.NewGuid().ToString("N")[..6] + "/" + blobName;
        var receipt = await _storage.UploadImageAsync(name, new MemoryStream([1, 2, 3]));

        var props = await _storage.Uploads.GetBlobClient(name).GetPropertiesAsync();
        Assert.Equal(BlobVersion.Of(props.Value.ETag), receipt.ETag);

        var row = await _storage.GetImageAsync(name);
        Assert.NotNull(row);
        Assert.Equal(ImageStatus.Queued, row.Status);
        Assert.Equal(name, row.BlobName);
        Assert.Equal(receipt.ETag, row.SourceETag);
        Assert.Equal(3, row.ContentLength);

        var events = await PeekAllEventsAsync();
        var e = Assert.Single(events, e => e.Id == receipt.EventId);
        Assert.Equal(name, e.BlobName);
        Assert.Equal(receipt.ETag, e.Data.ETag);
    }

    [Fact]
    public async Task Queue_messages_are_base64_like_event_grid_writes_them()
    {
        var receipt = await _storage.UploadImageAsync("b64-" + Guid.NewGuid().ToString("N") + ".jpg", new MemoryStream([9]));
        var raw = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, StorageNames.RequestsQueue);
        var messages = await raw.PeekMessagesAsync(32);
        var bodies = messages.Value.Select(m => m.Body.ToString()).ToList();
        Assert.Contains(bodies, b => Encoding.UTF8.GetString(Convert.FromBase64String(b)).Contains(receipt.EventId!));
    }

    [Fact]
    public async Task Query_filters_on_the_server_and_pages_with_continuation_tokens()
    {
        var prefix = "q-" + Guid.NewGuid().ToString("N")[..8] + "/";
        for (var i = 0; i < 7; i++)
        {
            var row = ImageIndexEntity.ForBlob($"{prefix}{i:D2}.jpg");
            row.Status = i % 2 == 0 ? ImageStatus.Succeeded : ImageStatus.Failed;
            row.ModelVersion = "v1";
            row.TopScore = i / 10.0;
            if (i % 2 == 0)
            {
                row.Classes = "circle";
                row.ClassCounts["circle"] = i + 1;
            }
            await _storage.UpsertImageAsync(row);
        }
        await _storage.UpsertImageAsync(ImageIndexEntity.ForBlob(prefix.TrimEnd('/') + "-outside.jpg"));

        var all = await CollectPagesAsync(new ImageQuery { NamePrefix = prefix }, pageSize: 3);
        Assert.Equal(7, all.Count);
        Assert.Equal(all.Select(r => r.BlobName).Order(StringComparer.Ordinal), all.Select(r => r.BlobName));

        var succeeded = await CollectPagesAsync(new ImageQuery { NamePrefix = prefix, Status = ImageStatus.Succeeded }, 2);
        Assert.Equal(["00", "02", "04", "06"], succeeded.Select(r => r.BlobName.Substring(prefix.Length, 2)));

        var circles = await CollectPagesAsync(new ImageQuery { NamePrefix = prefix, ClassName = "circle", MinTopScore = 0.35 }, 10);
        Assert.Equal([5, 7], circles.Select(r => r.ClassCounts["circle"]));
    }

    [Theory]
    [InlineData("../results/{0}/canary.png")]
    [InlineData("{0}/../../results/canary.png")]
    [InlineData("/{0}.png")]
    public async Task Names_that_leave_the_uploads_container_are_refused_before_anything_is_written(string pattern)
    {
        var tag = "escape-" + Guid.NewGuid().ToString("N")[..6];
        var name = string.Format(pattern, tag);
        await _storage.EnsureCreatedAsync();

        await Assert.ThrowsAsync<InvalidBlobNameException>(() => _storage.UploadImageAsync(name, new MemoryStream([1, 2, 3])));
        await Assert.ThrowsAsync<InvalidBlobNameException>(() => _storage.AnnounceCurrentAsync(name));
        Assert.Throws<InvalidBlobNameException>(() => _storage.ResultBlob(name, ResultLayout.ResultJson));

        foreach (var container in new[] { _storage.Uploads, _storage.Results })
        {
            await foreach (var blob in container.GetBlobsAsync())
                Assert.DoesNotContain(tag, blob.Name);
        }
        Assert.Null(await _storage.GetImageAsync(name));
        var queued = await _storage.Requests.PeekMessagesAsync(32);
        Assert.DoesNotContain(queued.Value, m => m.Body.ToString().Contains(tag));
    }

    [Fact]
    public async Task Results_round_trip_through_the_results_container()
    {
        var name = "res-" + Guid.NewGuid().ToString("N")[..6] + "/a b#?.jpg";
        var doc = new ResultDocument
        {
            Source = new ResultSource("uploads", name, "0x1", "image/jpeg", 10),
            Image = new ResultImage(4, 3, "jpeg"),
            Model = new ResultModel("tiny", "v1", "CPU", true),
            Instances = [new ResultInstance(1, "circle", 0.9, 0.8, [1, 1, 2, 2], 4, new ResultRle([3, 4], "12"))],
            TimingsMs = new Dictionary<string, double> { ["total"] = 5 },
            ProcessedAt = DateTimeOffset.UtcNow,
            Attempt = 1,
        };
        await _storage.WriteResultAsync(name, doc, [1], [2]);

        var read = await _storage.ReadResultAsync(name);
        Assert.NotNull(read);
        Assert.Equal("circle", Assert.Single(read.Instances).ClassName);
        Assert.True(await _storage.ResultBlob(name, ResultLayout.OverlayPng).ExistsAsync());
        Assert.StartsWith(ResultLayout.FolderOf(name), _storage.ResultBlob(name, ResultLayout.ThumbnailJpeg).Name);
        Assert.Null(await _storage.ReadResultAsync("never-uploaded.jpg"));
    }

    [Fact]
    public async Task Training_runs_list_newest_first()
    {
        var t0 = DateTimeOffset.UtcNow;
        var older = TrainingRunEntity.Start("older-" + Guid.NewGuid().ToString("N")[..4], "manual", "d1", t0.AddYears(5));
        var newer = TrainingRunEntity.Start("newer-" + Guid.NewGuid().ToString("N")[..4], "schedule", "d2", t0.AddYears(5).AddMinutes(1));
        await _storage.SaveTrainingRunAsync(older);
        await _storage.SaveTrainingRunAsync(newer);
        var runs = await _storage.ListTrainingRunsAsync(2);
        Assert.Equal([newer.RunId, older.RunId], runs.Select(r => r.RunId));
    }

    private async Task<List<ImageIndexEntity>> CollectPagesAsync(ImageQuery query, int pageSize)
    {
        var rows = new List<ImageIndexEntity>();
        string? token = null;
        do
        {
            var page = await _storage.QueryImagesPageAsync(query, pageSize, token);
            Assert.True(page.Rows.Count <= pageSize);
            rows.AddRange(page.Rows);
            token = page.ContinuationToken;
        } while (token is not null);
        return rows;
    }

    private async Task<List<BlobCreatedEvent>> PeekAllEventsAsync()
    {
        var messages = await _storage.Requests.PeekMessagesAsync(32);
        return messages.Value.Select(m => BlobCreatedEventCodec.Decode(m.Body.ToString())).ToList();
    }
}
