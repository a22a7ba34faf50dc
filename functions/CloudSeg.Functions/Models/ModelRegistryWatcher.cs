using Azure;
using CloudSeg.Inference;
using CloudSeg.ModelCards;
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
        if (options.Value.SeedEmptyRegistry)
        {
            await RegisterBundledAsync(ct).ConfigureAwait(false);
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

    /// <summary>
    /// Puts the bundled model into the registry and makes it current when the registry is empty, or when it still runs
    /// an older bundled model that was promoted automatically: a product update ships a better default. A model trained
    /// or promoted by hand stays current, with the new default registered beside it for the dashboard to promote.
    /// </summary>
    private async Task RegisterBundledAsync(CancellationToken ct)
    {
        var bundled = BundledModel.Locate(options.Value);
        var card = ModelCard.Read(Path.Combine(bundled, ModelRegistry.CardFileName));
        var version = SeedVersion(card.Version);
        if ((await storage.Registry.GetCurrentAsync(ct).ConfigureAwait(false))?.Pointer.Version == version) return;
        if (await storage.Registry.ReadCardJsonAsync(version, ct).ConfigureAwait(false) is null)
        {
            await storage.Registry.UploadAsync(version, bundled, ct).ConfigureAwait(false);
        }

        // Read again: another host may have seeded or promoted meanwhile.
        var current = (await storage.Registry.GetCurrentAsync(ct).ConfigureAwait(false))?.Pointer;
        if (current is null)
        {
            await storage.Registry.PromoteAsync(version, EmptyRegistryReason, ct).ConfigureAwait(false);
            _logger.LogInformation("Registry was empty: seeded it with the bundled model {ModelVersion} from {Folder}", version, bundled);
        }
        else if (current.Version == version)
        {
            // Another host promoted it meanwhile.
        }
        else if (PromotedAutomatically(current))
        {
            await storage.Registry.PromoteAsync(version, $"{UpdateReasonPrefix} (was {current.Version})", ct).ConfigureAwait(false);
            _logger.LogInformation("Promoted the updated bundled model {ModelVersion} over the earlier bundled {PreviousVersion}", version, current.Version);
        }
        else
        {
            _logger.LogInformation("Registered the bundled model {ModelVersion}; {CurrentVersion} stays current ({Reason})",
                version, current.Version, current.Reason);
        }
    }

    private const string EmptyRegistryReason = "bundled default model (registry was empty)";
    private const string UpdateReasonPrefix = "bundled default model updated";

    private static bool PromotedAutomatically(ModelPointer pointer) =>
        pointer.Reason is EmptyRegistryReason || pointer.Reason?.StartsWith(UpdateReasonPrefix, StringComparison.Ordinal) == true;

    private static string SeedVersion(string cardVersion)
    {
        var safe = new string(cardVersion.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '-').ToArray());
        return ModelRegistry.BundledVersionPrefix + (safe.Length == 0 ? "0" : safe);
    }

    private ISegmenter Load(string folder) =>
        SegmenterFactory.Load(folder, segmenterOptions.Value, loggerFactory.CreateLogger<ISegmenter>());
}
