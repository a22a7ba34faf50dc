using System.Text;
using CloudSeg.Functions.Processing;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Worker;

/// <summary>
/// The same inputs through both hosts of the function classes: the isolated worker's [Function] method invoked with the
/// message as the Functions host passes it, and the local runner's queue pump against its own Azurite. Rows, results
/// and queue state must come out the same.
/// </summary>
public sealed class ParityTests(WorkerFixture worker, ParityTests.RunnerFixture runner)
    : IClassFixture<WorkerFixture>, IClassFixture<ParityTests.RunnerFixture>
{
    public sealed class RunnerFixture : LocalRunnerFixture
    {
        protected override void Configure(Dictionary<string, string?> settings) =>
            settings["Functions:ScanInterval"] = "00:00:00"; // only the queue may drive the work here
    }

    /// <summary>What both hosts must agree on after one request was handled.</summary>
    private sealed record Observed(string? Status, string? ErrorKind, int? Attempts, int? Instances, string? Classes, bool HasResult,
        int RequestsLeft, int PoisonedCopies);

    public static TheoryData<string> Inputs => ["image", "bad-input", "unreadable"];

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task The_worker_function_and_the_local_runner_leave_the_same_rows_results_and_queues(string input)
    {
        var name = $"parity/{input}-{Guid.NewGuid().ToString("N")[..8]}" + (input == "bad-input" ? ".jpg" : ".png");

        var wire = await SubmitAsync(worker.Storage, input, name);
        var outcome = await worker.InvokeSegmentImageAsync();
        var viaWorker = await ObserveAsync(worker.Storage, name, wire);

        await SubmitAsync(runner.Storage, input, name);
        var viaRunner = await Eventually.ValueAsync(async () =>
        {
            var observed = await ObserveAsync(runner.Storage, name, wire);
            var settled = input == "unreadable" ? observed.PoisonedCopies > 0 : observed.Status is ImageStatus.Succeeded or ImageStatus.Failed;
            return settled && observed.RequestsLeft == 0 ? observed : null;
        }, $"the local runner to settle {input}");

        Assert.Equal(viaWorker, viaRunner);
        Assert.Equal(input switch
        {
            "image" => SegmentOutcomeKind.Succeeded,
            "bad-input" => SegmentOutcomeKind.Failed,
            _ => SegmentOutcomeKind.Unreadable,
        }, outcome.Kind);
        Assert.Equal(0, viaWorker.RequestsLeft);
        Assert.Equal(input == "unreadable" ? 1 : 0, viaWorker.PoisonedCopies);
        if (input == "image") Assert.True(viaWorker is { Status: ImageStatus.Succeeded, HasResult: true, Attempts: 1 });
        if (input == "bad-input") Assert.Equal(FailureKind.BadInput, viaWorker.ErrorKind);
    }

    /// <summary>Queues the input as it reaches segment-requests; returns the wire form of an unreadable message.</summary>
    private static async Task<string?> SubmitAsync(CloudSegStorage storage, string input, string name)
    {
        switch (input)
        {
            case "image":
                await storage.UploadImageAsync(name, new MemoryStream(TestImages.SmallShapes));
                return null;
            case "bad-input":
                await storage.UploadImageAsync(name, new MemoryStream("<html>not an image</html>"u8.ToArray()));
                return null;
            default:
                // Base64 (the host decodes it) but not an event.
                var wire = Convert.ToBase64String(Encoding.UTF8.GetBytes("plain words about " + name));
                await storage.RequestsUndecoded.SendMessageAsync(wire);
                return wire;
        }
    }

    private static async Task<Observed> ObserveAsync(CloudSegStorage storage, string name, string? wire)
    {
        var row = await storage.GetImageAsync(name);
        var poison = (await storage.PoisonUndecoded.PeekMessagesAsync(32)).Value;
        return new Observed(row?.Status, row?.ErrorKind, row?.Attempts, row?.InstanceCount, row?.Classes,
            await storage.ReadResultAsync(name) is not null,
            await storage.GetQueueDepthAsync(),
            wire is null ? 0 : poison.Count(m => m.Body.ToString() == wire));
    }
}
