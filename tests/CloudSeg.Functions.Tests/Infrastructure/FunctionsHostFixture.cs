using CloudSeg.Functions.Models;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CloudSeg.Functions.Tests.Infrastructure;

/// <summary>
/// A private Azurite with CloudSeg's containers, queues and tables, and one functions host over it (the local runner,
/// or the isolated worker's services), ready once its first model is loaded. Subclasses change settings.
/// </summary>
public abstract class FunctionsHostFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private string? _modelCache;

    public CloudSegStorage Storage { get; private set; } = null!;

    public string ConnectionString => _azurite.ConnectionString;

    public abstract IServiceProvider Services { get; }

    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    protected abstract Task StartHostAsync(Dictionary<string, string?> settings);

    protected abstract Task StopHostAsync();

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        Storage = CloudSegStorage.Create(new StorageOptions { ConnectionString = _azurite.ConnectionString });
        await Storage.EnsureCreatedAsync();
        var settings = FunctionsSettings.For(_azurite.ConnectionString);
        Configure(settings);
        _modelCache = settings["Models:CacheDirectory"];
        await StartHostAsync(settings);
        await Services.GetRequiredService<ModelProvider>().WhenLoaded.WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        await StopHostAsync();
        await _azurite.DisposeAsync();
        if (_modelCache is not null && Directory.Exists(_modelCache)) Directory.Delete(_modelCache, recursive: true);
    }

    /// <summary>Deletes the results container: every write of a result fails until <see cref="RecreateResultsAsync"/>.</summary>
    public Task DeleteResultsAsync() => Storage.Results.DeleteAsync();

    /// <summary>Runs <paramref name="test"/> with the results container deleted (a real transient failure), then restores it.</summary>
    public async Task WithoutResultsAsync(Func<Task> test)
    {
        await DeleteResultsAsync();
        try
        {
            await test();
        }
        finally
        {
            await RecreateResultsAsync();
        }
    }

    /// <summary>Azurite, like Azure, may refuse to recreate a container for a moment after deleting it.</summary>
    public Task RecreateResultsAsync() => Eventually.TrueAsync(async () =>
    {
        try
        {
            await Storage.Results.CreateIfNotExistsAsync();
            return true;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }, "the results container to be recreated");
}
