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

    [Fact]
    public async Task A_second_file_with_a_taken_name_is_kept_beside_the_first_never_over_it()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var uploads = factory.Services.GetRequiredService<UploadService>();
        var first = SeededResults.ShapesImage().Png;
        var second = HandMadePng.Png(32, 32, 2, 8, HandMadePng.Rows8(32, 32, 3, (_, _, c) => (byte)(c == 1 ? 200 : 30)));
        var stem = $"same-{Guid.NewGuid():N}";

        var one = await uploads.UploadAsync($"{stem}.png", first.Length, new MemoryStream(first), CancellationToken.None);
        var two = await uploads.UploadAsync($"{stem}.png", second.Length, new MemoryStream(second), CancellationToken.None);
        var three = await uploads.UploadAsync($"{stem}.png", second.Length, new MemoryStream(second), CancellationToken.None);

        Assert.Equal(($"{stem}.png", null), (one.BlobName, one.Note));
        Assert.Equal($"{stem}-2.png", two.BlobName);
        Assert.Contains("already exists", two.Note);
        Assert.Equal($"{stem}-3.png", three.BlobName);
        var kept = (await factory.Storage.Uploads.GetBlobClient($"{stem}.png").DownloadContentAsync()).Value.Content.ToArray();
        Assert.Equal(first, kept);
        Assert.NotNull(await factory.Storage.GetImageAsync($"{stem}-2.png"));
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
    public async Task A_large_upload_streams_to_its_blob_and_one_that_breaks_off_says_so_in_a_sentence_and_stores_nothing()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var uploads = factory.Services.GetRequiredService<UploadService>();
        // A valid header followed by 12 MB more: more than the header the service holds, so the rest streams.
        var png = SeededResults.ShapesImage().Png;
        var large = png.Concat(new byte[12 * 1024 * 1024]).ToArray();
        var name = $"large-{Guid.NewGuid():N}.png";

        var stored = await uploads.UploadAsync(name, large.Length, new MemoryStream(large), CancellationToken.None);

        Assert.Null(stored.Error);
        Assert.Equal(large.Length, (await factory.Storage.Uploads.GetBlobClient(name).GetPropertiesAsync()).Value.ContentLength);

        var broken = $"broken-{Guid.NewGuid():N}.png";
        var outcome = await uploads.UploadAsync(broken, large.Length, new BreaksOffStream(large, UploadService.HeaderBytes + 4096), CancellationToken.None);

        Assert.Equal(UploadOutcome.Interrupted(broken).Error, outcome.Error);
        Assert.DoesNotContain("Exception", outcome.Error);
        Assert.False(await factory.Storage.Uploads.GetBlobClient(broken).ExistsAsync());
        Assert.Null(await factory.Storage.GetImageAsync(broken));
    }

    /// <summary>Gives <paramref name="bytes"/> up to <paramref name="breakAt"/>, then fails as a dropped browser connection does.</summary>
    private sealed class BreaksOffStream(byte[] bytes, int breakAt) : Stream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= breakAt) throw new IOException("The browser connection was lost.");
            var n = Math.Min(count, Math.Min(breakAt, bytes.Length) - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
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

    [Fact]
    public async Task Retry_keeps_counting_tries_and_refuses_bad_input()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var actions = factory.Services.GetRequiredService<ImageActionsService>();
        var name = $"tries-{Guid.NewGuid():N}.png";
        await SeededResults.SeedSucceededAsync(factory.Storage, name);
        var row = (await factory.Storage.GetImageAsync(name))!;
        row.Status = ImageStatus.Failed;
        row.ErrorKind = FailureKind.Poisoned;
        row.Attempts = 5;
        await factory.Storage.UpsertImageAsync(row);

        Assert.True(await actions.RetryAsync(name, CancellationToken.None));
        row = (await factory.Storage.GetImageAsync(name))!;
        Assert.Equal(5, row.Tries);
        row.Attempts = 1; // what the worker records for the retry's first delivery
        Assert.Equal(6, row.Tries);

        row.Status = ImageStatus.Failed;
        row.ErrorKind = FailureKind.BadInput;
        await factory.Storage.UpsertImageAsync(row);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => actions.RetryAsync(name, CancellationToken.None));
        Assert.Contains("upload a fixed file", refused.Message);
        Assert.Equal(ImageStatus.Failed, (await factory.Storage.GetImageAsync(name))!.Status);
    }

    [Fact]
    public async Task A_pending_deletion_can_be_undone_and_otherwise_happens_after_the_window()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString,
            new Dictionary<string, string?> { ["Dashboard:DeleteUndoWindow"] = "00:00:01" });
        var deletions = factory.Services.GetRequiredService<PendingDeletions>();
        var kept = $"kept-{Guid.NewGuid():N}.png";
        var gone = $"gone-{Guid.NewGuid():N}.png";
        await SeededResults.SeedSucceededAsync(factory.Storage, kept);
        await SeededResults.SeedSucceededAsync(factory.Storage, gone);

        deletions.Schedule(kept);
        deletions.Schedule(gone);
        Assert.True(deletions.IsPending(kept));
        Assert.True(deletions.Undo(kept));

        await Eventually.TrueAsync(async () => await factory.Storage.GetImageAsync(gone) is null, "the deletion to happen");
        Assert.False(deletions.IsPending(gone));
        Assert.False(deletions.Undo(gone)); // too late
        Assert.NotNull(await factory.Storage.GetImageAsync(kept));
        Assert.True(await factory.Storage.Uploads.GetBlobClient(kept).ExistsAsync());
    }

    private static async Task<List<BlobCreatedEvent>> PeekEventsAsync(CloudSegStorage storage)
    {
        var messages = await storage.Requests.PeekMessagesAsync(32);
        return messages.Value.Select(m => BlobCreatedEventCodec.Decode(m.Body.ToString())).ToList();
    }
}
