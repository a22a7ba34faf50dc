using CloudSeg.Functions.LocalRunner;
using CloudSeg.Functions.Models;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudSeg.Functions.Tests.Infrastructure;

/// <summary>
/// A private Azurite plus the local runner hosted in-process (queue pump, scanner, model watcher all running), ready
/// once its first model is loaded. Subclasses change settings.
/// </summary>
public class LocalRunnerFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private WebApplicationFactory<LocalRunnerEntryPoint>? _factory;
    private string? _modelCache;

    public CloudSegStorage Storage { get; private set; } = null!;

    public IServiceProvider Services => _factory!.Services;

    public HttpClient CreateClient() => _factory!.CreateClient();

    public string ConnectionString => _azurite.ConnectionString;

    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        Storage = CloudSegStorage.Create(new StorageOptions { ConnectionString = _azurite.ConnectionString });
        await Storage.EnsureCreatedAsync();
        var settings = FunctionsSettings.For(_azurite.ConnectionString);
        Configure(settings);
        _modelCache = settings["Models:CacheDirectory"];
        _factory = new HostFactory(settings);
        _ = _factory.Server; // starts the host and its background services
        await Services.GetRequiredService<ModelProvider>().WhenLoaded.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null) await _factory.DisposeAsync();
        await _azurite.DisposeAsync();
        if (_modelCache is not null && Directory.Exists(_modelCache)) Directory.Delete(_modelCache, recursive: true);
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
