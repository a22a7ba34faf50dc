using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Processing;

/// <summary>
/// Transient failures are made real by deleting the results container: every write of a result fails until it is back.
/// </summary>
public class RetryAndPoisonTests(RetryAndPoisonTests.SlowRetriesFixture host) : IClassFixture<RetryAndPoisonTests.SlowRetriesFixture>
{
    /// <summary>Retries a second apart, so a test can watch (and end) the failure between two attempts.</summary>
    public sealed class SlowRetriesFixture : LocalRunnerFixture
    {
        protected override void Configure(Dictionary<string, string?> settings) => FunctionsSettings.UseSlowRetries(settings);
    }

    [Fact]
    public async Task A_transient_failure_is_retried_with_back_off_and_then_succeeds()
    {
        var name = "retry/" + Guid.NewGuid().ToString("N")[..8] + ".png";
        await host.WithoutResultsAsync(async () =>
        {
            var receipt = await host.Storage.UploadImageAsync(name, new MemoryStream(TestImages.SmallShapes));
            var retrying = await Eventually.ValueAsync(async () =>
            {
                var row = await host.Storage.GetImageAsync(name);
                return row is { Attempts: >= 2, Status: not ImageStatus.Failed } && row.Error is not null ? row : null;
            }, "a second attempt");
            Assert.Contains("retrying in", retrying.Error);
            Assert.Contains("ContainerNotFound", retrying.Error);
            await host.RecreateResultsAsync();

            var done = await host.WaitFinishedAsync(name, receipt.ETag);
            Assert.Equal(ImageStatus.Succeeded, done.Status);
            Assert.True(done.Attempts is >= 2 and <= StorageNames.MaxDequeueCount);
            Assert.Null(done.Error);
        });
    }

    [Fact]
    public async Task After_five_failed_tries_the_message_goes_to_the_poison_queue_and_the_row_says_why()
    {
        var name = "poison/" + Guid.NewGuid().ToString("N")[..8] + ".png";
        await host.WithoutResultsAsync(async () =>
        {
            var receipt = await host.Storage.UploadImageAsync(name, new MemoryStream(TestImages.SmallShapes));
            var row = await host.WaitFinishedAsync(name, receipt.ETag);

            Assert.Equal(ImageStatus.Failed, row.Status);
            Assert.Equal(FailureKind.Poisoned, row.ErrorKind);
            Assert.Equal(StorageNames.MaxDequeueCount, row.Attempts);
            Assert.Contains("Gave up after 5 attempts", row.Error);
            Assert.Contains("ContainerNotFound", row.Error);

            var poisoned = await Eventually.ValueAsync(async () =>
            {
                var peeked = await host.Storage.Poison.PeekMessagesAsync(32);
                return peeked.Value.Select(m => BlobCreatedEventCodec.Decode(m.Body.ToString())).FirstOrDefault(e => e.BlobName == name);
            }, "the message in the poison queue");
            Assert.Equal(receipt.EventId, poisoned.Id);
        });
    }
}
