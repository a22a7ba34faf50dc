using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using CloudSeg.Functions.Processing;
using CloudSeg.Functions.Worker;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CloudSeg.Functions.Tests.Infrastructure;

/// <summary>
/// The isolated worker's services (the same <c>AddCloudSegFunctions</c> its Program calls) over a private Azurite,
/// with no queue pump: tests play the Functions host. They receive a message the way the host does (base64-decoding
/// client, host.json <c>messageEncoding: base64</c>) and call the [Function] method with that <see cref="QueueMessage"/>,
/// on a function instance created the way the worker's default activator creates one.
/// </summary>
public class WorkerFixture : FunctionsHostFixture
{
    private IHost? _host;

    public override IServiceProvider Services => _host!.Services;

    protected override async Task StartHostAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddCloudSegFunctions(builder.Configuration);
        _host = builder.Build();
        await _host.StartAsync();
    }

    protected override async Task StopHostAsync()
    {
        if (_host is null) return;
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>A function instance, as the worker activates one per invocation.</summary>
    public T Function<T>() => ActivatorUtilities.CreateInstance<T>(Services);

    /// <summary>
    /// Receives the next request as the host's queue listener does: decoded, with its id, pop receipt and dequeue count.
    /// Null when none is visible.
    /// </summary>
    public async Task<QueueMessage?> ReceiveAsHostAsync(TimeSpan? visibility = null)
    {
        var queue = new QueueClient(ConnectionString, StorageNames.RequestsQueue,
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        QueueMessage[] received = (await queue.ReceiveMessagesAsync(1, visibility ?? TimeSpan.FromMinutes(1))).Value;
        return received.FirstOrDefault();
    }

    /// <summary>Receives the next request, waiting until one is visible (after a back-off, for instance).</summary>
    public Task<QueueMessage> NextAsHostAsync(TimeSpan? timeout = null) =>
        Eventually.ValueAsync(() => ReceiveAsHostAsync(), "a request message", timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>One invocation of SegmentImage with the next request, as the host makes it.</summary>
    public async Task<SegmentOutcome> InvokeSegmentImageAsync() =>
        await Function<SegmentImageFunction>().RunAsync(await NextAsHostAsync(), CancellationToken.None);
}
