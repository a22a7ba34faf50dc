using System.Text;
using CloudSeg.Dashboard.Services;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CloudSeg.Dashboard.Tests.Storage;

/// <summary>Upload, retry and delete against real storage: what lands in uploads, the index and the request queue.</summary>
[Collection(StorageCollection.Name)]
public sealed class ImageWriteActionsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Upload_stores_the_image_marks_it_queued_and_raises_its_event()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var uploads = factory.Services.GetRequiredService<UploadService>();
        var png = SeededResults.ShapesImage().Png;
        var name = $"up-{Guid.NewGuid():N}.png";

        var outcome = await uploads.UploadAsync($"C:\\Users\\me\\{name}", png.Length, new MemoryStream(png), CancellationToken.None);

        Assert.Null(outcome.Error);
        Assert.Equal(name, outcome.BlobName); // the browser's folder part never becomes part of the blob name
        var row = await factory.Storage.GetImageAsync(name);
        Assert.Equal(ImageStatus.Queued, row!.Status);
        Assert.Equal("image/png", row.ContentType);
        Assert.True(await factory.Storage.Uploads.GetBlobClient(name).ExistsAsync());
        Assert.Contains(await PeekEventsAsync(factory.Storage), e => e.BlobName == name);
    }

    [Theory]
    [InlineData("notes.jpg", "hello, I am text", "not")]
    [InlineData("archive.zip", "PK", "not accepted")]
    public async Task Upload_refuses_what_is_not_an_image_before_it_reaches_storage(string fileName, string content, string reasonPart)
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var uploads = factory.Services.GetRequiredService<UploadService>();
        var bytes = Encoding.UTF8.GetBytes(content);

        var outcome = await uploads.UploadAsync(fileName, bytes.Length, new MemoryStream(bytes), CancellationToken.None);

        Assert.Contains(reasonPart, outcome.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Null(await factory.Storage.GetImageAsync(fileName));
    }

    [Fact]
    public async Task Upload_refuses_files_over_the_size_limit()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString, new Dictionary<string, string?> { ["Dashboard:MaxUploadBytes"] = "100" });
        var uploads = factory.Services.GetRequiredService<UploadService>();
        var png = SeededResults.ShapesImage().Png;

        var outcome = await uploads.UploadAsync("big.png", png.Length, new MemoryStream(png), CancellationToken.None);

        Assert.Contains("limit", outcome.Error);
    }

    [Fact]
    public async Task Retry_queues_a_failed_image_again_and_delete_removes_every_trace()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var actions = factory.Services.GetRequiredService<ImageActionsService>();
        var name = $"retry-{Guid.NewGuid():N}.png";
        await SeededResults.SeedSucceededAsync(factory.Storage, name);
        var sibling = $"{name}/inner.png"; // another upload whose results live in a sub-folder of this one's
        await SeededResults.SeedSucceededAsync(factory.Storage, sibling);
        var row = (await factory.Storage.GetImageAsync(name))!;
        row.Status = ImageStatus.Failed;
        row.Error = "Transient: worker lost";
        await factory.Storage.UpsertImageAsync(row);

        Assert.True(await actions.RetryAsync(name, CancellationToken.None));
        Assert.Equal(ImageStatus.Queued, (await factory.Storage.GetImageAsync(name))!.Status);
        Assert.Contains(await PeekEventsAsync(factory.Storage), e => e.BlobName == name);

        await actions.DeleteAsync(name, CancellationToken.None);
        Assert.Null(await factory.Storage.GetImageAsync(name));
        Assert.False(await factory.Storage.Uploads.GetBlobClient(name).ExistsAsync());
        Assert.Null(await factory.Storage.ReadResultAsync(name));
        Assert.NotNull(await factory.Storage.ReadResultAsync(sibling)); // untouched
        Assert.False(await actions.RetryAsync(name, CancellationToken.None)); // nothing left to retry
    }

    private static async Task<List<BlobCreatedEvent>> PeekEventsAsync(CloudSegStorage storage)
    {
        var messages = await storage.Requests.PeekMessagesAsync(32);
        return messages.Value.Select(m => BlobCreatedEventCodec.Decode(m.Body.ToString())).ToList();
    }
}
