using System.Diagnostics;
using System.Text.Json.Nodes;
using CloudSeg.Functions.Processing;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Worker;

/// <summary>
/// The outcome handling the worker's queue trigger applies in Azure (the same handler the local runner uses, tested
/// through it in RetryAndPoisonTests and RestartRecoveryTests): the back-off the row announces, poison after the fifth
/// failed try, and the give-up of a message that took the worker down every time.
/// Transient failures are made real by deleting the results container.
/// </summary>
public sealed class WorkerOutcomeTests(WorkerOutcomeTests.SlowRetriesFixture worker) : IClassFixture<WorkerOutcomeTests.SlowRetriesFixture>
{
    public sealed class SlowRetriesFixture : WorkerFixture
    {
        protected override void Configure(Dictionary<string, string?> settings) => FunctionsSettings.UseSlowRetries(settings);
    }

    [Fact]
    public async Task A_transient_failure_hides_the_message_for_the_back_off_the_row_announces_and_keeps_its_dequeue_count()
    {
        var name = "worker-retry/" + Guid.NewGuid().ToString("N")[..8] + ".png";
        await worker.WithoutResultsAsync(async () =>
        {
            await worker.Storage.UploadImageAsync(name, new MemoryStream(TestImages.SmallShapes));
            var outcome = await worker.InvokeSegmentImageAsync();
            var settled = Stopwatch.StartNew();

            Assert.Equal(SegmentOutcomeKind.Retry, outcome.Kind);
            Assert.Equal(TimeSpan.FromSeconds(1), outcome.RetryAfter);
            var row = await worker.Storage.GetImageAsync(name);
            Assert.Contains("retrying in 1 s", row!.Error);
            await worker.RecreateResultsAsync();

            var again = await worker.NextAsHostAsync();
            Assert.True(settled.Elapsed >= TimeSpan.FromSeconds(0.8), $"the message came back after {settled.Elapsed}, before its back-off");
            Assert.Equal(2, again.DequeueCount);
            Assert.Equal(SegmentOutcomeKind.Succeeded, (await worker.Function<CloudSeg.Functions.Worker.SegmentImageFunction>().RunAsync(again, default)).Kind);
            Assert.Equal(0, await worker.Storage.GetQueueDepthAsync());
        });
    }

    [Fact]
    public async Task The_fifth_failed_try_moves_the_message_as_it_was_on_the_wire_to_the_poison_queue()
    {
        var name = "worker-poison/" + Guid.NewGuid().ToString("N")[..8] + ".png";
        await worker.WithoutResultsAsync(async () =>
        {
            var receipt = await worker.Storage.UploadImageAsync(name, new MemoryStream(TestImages.SmallShapes));
            var wire = (await worker.Storage.RequestsUndecoded.PeekMessageAsync()).Value.Body.ToString();
            var outcomes = new List<SegmentOutcomeKind>();
            for (var delivery = 1; delivery <= StorageNames.MaxDequeueCount; delivery++) outcomes.Add((await worker.InvokeSegmentImageAsync()).Kind);

            Assert.Equal([.. Enumerable.Repeat(SegmentOutcomeKind.Retry, StorageNames.MaxDequeueCount - 1), SegmentOutcomeKind.Poisoned], outcomes);
            var row = await worker.Storage.GetImageAsync(name);
            Assert.Equal((ImageStatus.Failed, FailureKind.Poisoned, StorageNames.MaxDequeueCount), (row!.Status, row.ErrorKind, row.Attempts));
            Assert.Contains(await PoisonBodiesAsync(), body => body == wire);
            Assert.Equal(receipt.EventId, BlobCreatedEventCodec.Decode(wire).Id);
            Assert.Equal(0, await worker.Storage.GetQueueDepthAsync());
        });
    }

    [Fact]
    public async Task A_message_that_took_the_worker_down_five_times_is_given_up_on_its_sixth_delivery_and_its_row_says_why()
    {
        var name = "worker-crash/" + Guid.NewGuid().ToString("N")[..8] + ".png";
        await worker.Storage.UploadImageAsync(name, new MemoryStream(TestImages.SmallShapes));
        // Five deliveries that never finished (the worker process died holding them): each comes back after its visibility.
        for (var delivery = 1; delivery <= StorageNames.MaxDequeueCount; delivery++)
        {
            var held = await worker.NextAsHostAsync();
            Assert.Equal(delivery, held.DequeueCount);
            await worker.Storage.DelayRequestAsync(held.MessageId, held.PopReceipt, TimeSpan.Zero);
        }

        var outcome = await worker.InvokeSegmentImageAsync();

        Assert.Equal(SegmentOutcomeKind.Poisoned, outcome.Kind);
        var row = await worker.Storage.GetImageAsync(name);
        Assert.Equal((ImageStatus.Failed, FailureKind.Poisoned), (row!.Status, row.ErrorKind));
        Assert.Contains("Delivered 6 times without finishing", row.Error);
        Assert.Contains(await PoisonBodiesAsync(), body => BlobCreatedEventCodec.Decode(body).BlobName == name);
        Assert.Equal(0, await worker.Storage.GetQueueDepthAsync());
    }

    [Fact]
    public void The_host_delivers_once_more_than_the_function_tries_so_the_give_up_runs_in_Azure()
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "functions", "CloudSeg.Functions.Worker", "host.json")))!;
        var queues = hostJson["extensions"]!["queues"]!;
        Assert.Equal(StorageNames.MaxDequeueCount + 1, queues["maxDequeueCount"]!.GetValue<int>());
        Assert.Equal("base64", queues["messageEncoding"]!.GetValue<string>());
    }

    private async Task<List<string>> PoisonBodiesAsync() =>
        [.. (await worker.Storage.PoisonUndecoded.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString())];
}
