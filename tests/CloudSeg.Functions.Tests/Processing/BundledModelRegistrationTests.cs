using CloudSeg.Functions.Models;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Inference;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Tests.Processing;

/// <summary>
/// What a host start does to the registry (its own Azurite): the bundled model seeds an empty registry, a product
/// update's newer bundled model replaces an automatically promoted older one, and a model promoted by hand stays.
/// </summary>
public sealed class BundledModelRegistrationTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly CloudSegStorage _storage = CloudSegStorage.Create(new StorageOptions { ConnectionString = azurite.ConnectionString });
    private readonly string _work = Directory.CreateTempSubdirectory("cloudseg-bundled-").FullName;
    private readonly List<ModelProvider> _providers = [];

    public void Dispose()
    {
        foreach (var provider in _providers) provider.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task Host_start_seeds_then_upgrades_the_bundled_model_but_keeps_a_model_promoted_by_hand()
    {
        await StartHostWithBundledAsync("v1");
        Assert.Equal("bundled-v1", await CurrentVersionAsync());

        // A product update ships a newer default: it takes over from the automatically promoted one.
        var provider = await StartHostWithBundledAsync("v2");
        Assert.Equal("bundled-v2", await CurrentVersionAsync());
        Assert.Equal("bundled-v2", provider.CurrentVersion);

        // A model the user promoted (here: v1 again, by hand) stays; the next default is only registered beside it.
        await _storage.Registry.PromoteAsync("bundled-v1", "promoted from the dashboard");
        await StartHostWithBundledAsync("v3");
        Assert.Equal("bundled-v1", await CurrentVersionAsync());
        Assert.Contains("bundled-v3", (await _storage.Registry.ListVersionsAsync()).Select(v => v.Version));
    }

    private async Task<string?> CurrentVersionAsync() => (await _storage.Registry.GetCurrentAsync())?.Pointer.Version;

    /// <summary>Starts a host's model watcher whose bundled model is the test model with card version <paramref name="version"/>.</summary>
    private async Task<ModelProvider> StartHostWithBundledAsync(string version)
    {
        var bundled = TestImages.CopyTestModel(Path.Combine(_work, "bundled-" + version), version);
        var provider = new ModelProvider(NullLogger<ModelProvider>.Instance);
        _providers.Add(provider);
        var watcher = new ModelRegistryWatcher(_storage, provider,
            Options.Create(new ModelHostingOptions { BundledModelDirectory = bundled, CacheDirectory = Path.Combine(_work, "cache") }),
            Options.Create(new SegmenterOptions { PreferCuda = false, IntraOpThreads = 1 }), NullLoggerFactory.Instance);
        await watcher.InitializeAsync(CancellationToken.None);
        return provider;
    }
}
