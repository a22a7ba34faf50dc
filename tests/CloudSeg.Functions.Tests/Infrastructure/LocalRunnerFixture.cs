using CloudSeg.Functions.LocalRunner;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace CloudSeg.Functions.Tests.Infrastructure;

/// <summary>
/// A private Azurite plus the local runner hosted in-process (queue pump, scanner, model watcher all running), ready
/// once its first model is loaded. Subclasses change settings.
/// </summary>
public class LocalRunnerFixture : FunctionsHostFixture
{
    private WebApplicationFactory<LocalRunnerEntryPoint>? _factory;

    public override IServiceProvider Services => _factory!.Services;

    public HttpClient CreateClient() => _factory!.CreateClient();

    protected override Task StartHostAsync(Dictionary<string, string?> settings)
    {
        _factory = new HostFactory(settings);
        _ = _factory.Server; // starts the host and its background services
        return Task.CompletedTask;
    }

    protected override async Task StopHostAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
    }

    /// <summary>Uploads through the storage facade (blob + queued row + event) and waits until the row is final.</summary>
    public async Task<ImageIndexEntity> UploadAndWaitAsync(string blobName, byte[] content, TimeSpan? timeout = null)
    {
        var receipt = await Storage.UploadImageAsync(blobName, new MemoryStream(content));
        return await WaitFinishedAsync(blobName, receipt.ETag, timeout);
    }

    /// <summary>Waits until the row of <paramref name="blobName"/> is succeeded/failed for blob version <paramref name="etag"/>.</summary>
    public Task<ImageIndexEntity> WaitFinishedAsync(string blobName, string etag, TimeSpan? timeout = null) =>
        Eventually.ValueAsync(async () =>
        {
            var row = await Storage.GetImageAsync(blobName);
            return row is { IsFinished: true } && row.SourceETag == etag ? row : null;
        }, $"{blobName} to finish", timeout ?? TimeSpan.FromSeconds(60));

    private sealed class HostFactory(Dictionary<string, string?> settings) : WebApplicationFactory<LocalRunnerEntryPoint>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) =>
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(settings));
    }
}
