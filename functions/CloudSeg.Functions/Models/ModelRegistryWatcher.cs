using Azure;
using CloudSeg.Inference;
using CloudSeg.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Models;

/// <summary>
/// Keeps <see cref="ModelProvider"/> on the registry's current version: loads it at start (or the bundled model when
/// the registry is empty), then on every poll compares the <c>current</c> pointer's ETag and hot-swaps on a change.
/// A version that fails to load is logged and skipped; the running model stays.
/// </summary>
public sealed class ModelRegistryWatcher(
    CloudSegStorage storage,
    ModelProvider provider,
    IOptions<ModelHostingOptions> options,
    IOptions<SegmenterOptions> segmenterOptions,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ModelRegistryWatcher>();
    private ETag? _seenPointer;

    /// <summary>Loads the first model. Must succeed: a host without a model cannot do its job.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        await storage.EnsureCreatedAsync(ct).ConfigureAwait(false);
        if (await storage.Registry.GetCurrentAsync(ct).ConfigureAwait(false) is null && options.Value.SeedEmptyRegistry)
        {
            await SeedAsync(ct).ConfigureAwait(false);
        }
        if (!await CheckAsync(ct).ConfigureAwait(false))
        {
            var bundled = BundledModel.Locate(options.Value);
            var segmenter = Load(bundled);
            provider.Swap(segmenter, segmenter.Card.Version, bundled);
        }
    }

    /// <summary>Swaps to the registry's current version if it changed. Returns whether the registry model is now loaded.</summary>
    public async Task<bool> CheckAsync(CancellationToken ct)
    {
        var etag = await storage.Registry.GetCurrentETagAsync(ct).ConfigureAwait(false);
        if (etag is null) return false;
        if (etag == _seenPointer) return true;
        var current = await storage.Registry.GetCurrentAsync(ct).ConfigureAwait(false);
        if (current is null) return false;
        var (pointer, pointerETag) = current.Value;
        _seenPointer = pointerETag;
        if (pointer.Version == provider.CurrentVersion) return true;
        try
        {
            var folder = Path.Combine(options.Value.CacheDirectory, pointer.Version);
            if (!File.Exists(Path.Combine(folder, ModelRegistry.OnnxFileName)) || !File.Exists(Path.Combine(folder, ModelRegistry.CardFileName)))
            {
                await storage.Registry.DownloadAsync(pointer.Version, folder, ct).ConfigureAwait(false);
            }
            provider.Swap(Load(folder), pointer.Version, "registry");
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Model {ModelVersion} promoted at {PromotedAt} could not be loaded; still serving {CurrentVersion}",
                pointer.Version, pointer.PromotedAt, provider.CurrentVersion ?? "nothing");
            return provider.CurrentVersion is not null;
        }
    }

    private async Task SeedAsync(CancellationToken ct)
    {
        var bundled = BundledModel.Locate(options.Value);
        var card = ModelCard.Read(Path.Combine(bundled, ModelRegistry.CardFileName));
        var version = SeedVersion(card.Version);
        await storage.Registry.UploadAsync(version, bundled, ct).ConfigureAwait(false);
        // Another host may have seeded or promoted meanwhile; only an empty registry gets the bundled model.
        if (await storage.Registry.GetCurrentAsync(ct).ConfigureAwait(false) is null)
        {
            await storage.Registry.PromoteAsync(version, "bundled default model (registry was empty)", ct).ConfigureAwait(false);
            _logger.LogInformation("Registry was empty: seeded it with the bundled model {ModelVersion} from {Folder}", version, bundled);
        }
    }

    private static string SeedVersion(string cardVersion)
    {
        var safe = new string(cardVersion.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '-').ToArray());
        return "bundled-" + (safe.Length == 0 ? "0" : safe);
    }

    private InstanceSegmenter Load(string folder) =>
        InstanceSegmenter.Load(folder, segmenterOptions.Value, loggerFactory.CreateLogger<InstanceSegmenter>());
}
