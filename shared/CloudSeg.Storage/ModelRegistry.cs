using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using CloudSeg.ModelCards;

namespace CloudSeg.Storage;

/// <summary>
/// The model registry in container <c>models</c>: <c>&lt;version&gt;/model.onnx</c> + <c>&lt;version&gt;/model.card.json</c>
/// per version (+ the int8 graph its card names, e.g. <c>model.int8.onnx</c>), and the blob <c>current</c> (JSON
/// <see cref="ModelPointer"/>) naming the version the functions serve.
/// Promotion rewrites only the pointer, so a host watching its ETag swaps models without a restart.
/// </summary>
public sealed partial class ModelRegistry(BlobContainerClient models)
{
    public const string CurrentPointerBlob = "current";
    public const string OnnxFileName = "model.onnx";
    public const string CardFileName = "model.card.json";

    /// <summary>Versions the hosts register from the model shipped with the app are named bundled-&lt;card version&gt;.</summary>
    public const string BundledVersionPrefix = "bundled-";

    /// <summary>
    /// Optional files of a package that a trained version carries besides the graph and card: the training weights to
    /// fine-tune from (TorchSharp state dict + checkpoint.json, see CloudSeg.Training's Checkpoint) and the step log.
    /// </summary>
    public static readonly IReadOnlyList<string> TrainingFileNames = ["model.bin", "checkpoint.json", "metrics.jsonl"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public BlobContainerClient Container { get; } = models;

    /// <summary>The promoted version and the pointer's ETag (changes on every promotion); null when nothing was promoted.</summary>
    public async Task<(ModelPointer Pointer, ETag ETag)?> GetCurrentAsync(CancellationToken ct = default)
    {
        try
        {
            var download = await Container.GetBlobClient(CurrentPointerBlob).DownloadContentAsync(ct).ConfigureAwait(false);
            var pointer = download.Value.Content.ToObjectFromJson<ModelPointer>(Json)
                ?? throw new FormatException("models/current is empty.");
            return (pointer, download.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Only the pointer's ETag (one HEAD request): what a watcher polls.</summary>
    public async Task<ETag?> GetCurrentETagAsync(CancellationToken ct = default)
    {
        try
        {
            var props = await Container.GetBlobClient(CurrentPointerBlob).GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false);
            return props.Value.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Every version in the registry, oldest first, with its card.</summary>
    public async Task<IReadOnlyList<ModelVersionInfo>> ListVersionsAsync(CancellationToken ct = default)
    {
        var versions = new List<ModelVersionInfo>();
        await foreach (var item in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, ct).ConfigureAwait(false))
        {
            var slash = item.Name.IndexOf('/');
            if (slash <= 0 || item.Name[(slash + 1)..] != OnnxFileName) continue;
            var version = item.Name[..slash];
            versions.Add(new ModelVersionInfo(version, item.Properties.CreatedOn ?? item.Properties.LastModified ?? default,
                item.Properties.ContentLength ?? 0, await ReadCardJsonAsync(version, ct).ConfigureAwait(false)));
        }
        return versions.OrderBy(v => v.CreatedAt).ThenBy(v => v.Version, StringComparer.Ordinal).ToList();
    }

    /// <summary>The model card of <paramref name="version"/> as JSON text, or null when the version has none.</summary>
    public async Task<string?> ReadCardJsonAsync(string version, CancellationToken ct = default)
    {
        try
        {
            var download = await Container.GetBlobClient(CardPath(version)).DownloadContentAsync(ct).ConfigureAwait(false);
            return download.Value.Content.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Uploads a model package (a folder holding model.onnx + model.card.json, the int8 graph its card names, and any
    /// of <see cref="TrainingFileNames"/>) as <paramref name="version"/>.
    /// </summary>
    public async Task UploadAsync(string version, string packageDirectory, CancellationToken ct = default)
    {
        ValidateVersion(version);
        foreach (var file in new[] { OnnxFileName, CardFileName })
        {
            var path = Path.Combine(packageDirectory, file);
            if (!File.Exists(path)) throw new FileNotFoundException($"Model package '{packageDirectory}' lacks {file}.", path);
        }
        var int8 = Int8GraphOf(ModelCard.Read(Path.Combine(packageDirectory, CardFileName)), packageDirectory);
        if (int8 is not null && !File.Exists(Path.Combine(packageDirectory, int8)))
            throw new FileNotFoundException($"Model package '{packageDirectory}' lacks {int8}, the int8 graph its card names.", Path.Combine(packageDirectory, int8));
        foreach (var file in TrainingFileNames.Append(int8).OfType<string>().Where(f => File.Exists(Path.Combine(packageDirectory, f))))
            await Container.GetBlobClient($"{version}/{file}").UploadAsync(Path.Combine(packageDirectory, file), overwrite: true, ct).ConfigureAwait(false);
        // The card goes last: a version is listed once its ONNX exists, and read once its card exists.
        await Container.GetBlobClient(OnnxPath(version)).UploadAsync(Path.Combine(packageDirectory, OnnxFileName), overwrite: true, ct).ConfigureAwait(false);
        await Container.GetBlobClient(CardPath(version)).UploadAsync(Path.Combine(packageDirectory, CardFileName), overwrite: true, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads <paramref name="version"/> into <paramref name="targetDirectory"/> (created) and returns that folder:
    /// its graph, the int8 graph its card names, and the card last (a folder with a card is complete); with
    /// <paramref name="withTrainingFiles"/>, also those of <see cref="TrainingFileNames"/> it has.
    /// </summary>
    public async Task<string> DownloadAsync(string version, string targetDirectory, CancellationToken ct = default, bool withTrainingFiles = false)
    {
        ValidateVersion(version);
        Directory.CreateDirectory(targetDirectory);
        await DownloadFileAsync(OnnxPath(version), Path.Combine(targetDirectory, OnnxFileName), ct).ConfigureAwait(false);
        var card = Path.Combine(targetDirectory, CardFileName);
        var cardPartial = card + ".partial";
        await Container.GetBlobClient(CardPath(version)).DownloadToAsync(cardPartial, ct).ConfigureAwait(false);
        if (Int8GraphOf(ModelCard.Parse(await File.ReadAllTextAsync(cardPartial, ct).ConfigureAwait(false), $"card of model {version}"), version) is { } int8)
            await DownloadFileAsync($"{version}/{int8}", Path.Combine(targetDirectory, int8), ct).ConfigureAwait(false);
        File.Move(cardPartial, card, overwrite: true);
        foreach (var file in withTrainingFiles ? TrainingFileNames : [])
        {
            var blob = Container.GetBlobClient($"{version}/{file}");
            if (await blob.ExistsAsync(ct).ConfigureAwait(false))
                await blob.DownloadToAsync(Path.Combine(targetDirectory, file), ct).ConfigureAwait(false);
        }
        return targetDirectory;
    }

    private async Task DownloadFileAsync(string blob, string path, CancellationToken ct)
    {
        var partial = path + ".partial";
        await Container.GetBlobClient(blob).DownloadToAsync(partial, ct).ConfigureAwait(false);
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>
    /// The file name of the int8 graph <paramref name="card"/> names, or null when it names none. The name becomes a
    /// blob name and a file name on hosts, so it must be a plain *.onnx name (the versions' safe alphabet) beside model.onnx.
    /// </summary>
    private static string? Int8GraphOf(ModelCard card, string package)
    {
        if (card.Int8?.Graph is not { } graph) return null;
        if (!VersionPattern().IsMatch(graph) || !graph.EndsWith(".onnx", StringComparison.Ordinal) || graph == OnnxFileName)
            throw new InvalidDataException($"The card of model '{package}' names int8 graph '{graph}'; expected a file name like model.int8.onnx beside {OnnxFileName}.");
        return graph;
    }

    /// <summary>Makes <paramref name="version"/> current. Throws when the version is not fully in the registry.</summary>
    public async Task<ModelPointer> PromoteAsync(string version, string reason, CancellationToken ct = default)
    {
        ValidateVersion(version);
        foreach (var path in new[] { OnnxPath(version), CardPath(version) })
        {
            if (!await Container.GetBlobClient(path).ExistsAsync(ct).ConfigureAwait(false))
                throw new InvalidOperationException($"Cannot promote model '{version}': models/{path} does not exist.");
        }
        var pointer = new ModelPointer(version, DateTimeOffset.UtcNow, reason);
        await Container.GetBlobClient(CurrentPointerBlob)
            .UploadAsync(BinaryData.FromObjectAsJson(pointer, Json), overwrite: true, ct).ConfigureAwait(false);
        return pointer;
    }

    /// <summary>
    /// Makes the version registered just before the current one current again. Returns the new pointer, or null when
    /// nothing is current or the current version is the oldest.
    /// </summary>
    public async Task<ModelPointer?> RollBackAsync(string by, CancellationToken ct = default)
    {
        if (await GetCurrentAsync(ct).ConfigureAwait(false) is not { } current) return null;
        var versions = await ListVersionsAsync(ct).ConfigureAwait(false);
        var index = versions.ToList().FindIndex(v => v.Version == current.Pointer.Version);
        if (index <= 0) return null;
        return await PromoteAsync(versions[index - 1].Version, $"rolled back from {current.Pointer.Version} by {by}", ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Where a version came from: <see cref="ModelSource.Bundled"/> (registered by a host from the app's own model),
    /// <see cref="ModelSource.Training"/> (a training run produced it) or <see cref="ModelSource.Import"/> (anything else).
    /// </summary>
    public static string SourceOf(string version, bool producedByTrainingRun) =>
        version.StartsWith(BundledVersionPrefix, StringComparison.Ordinal) ? ModelSource.Bundled
        : producedByTrainingRun ? ModelSource.Training
        : ModelSource.Import;

    public static string OnnxPath(string version) => $"{version}/{OnnxFileName}";
    public static string CardPath(string version) => $"{version}/{CardFileName}";

    /// <summary>Versions become folder names and file names on hosts: keep them to a safe alphabet.</summary>
    public static void ValidateVersion(string version)
    {
        if (string.IsNullOrEmpty(version) || version == CurrentPointerBlob || !VersionPattern().IsMatch(version))
            throw new ArgumentException($"Model version '{version}' must match [A-Za-z0-9][A-Za-z0-9._-]* and not be '{CurrentPointerBlob}'.", nameof(version));
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex VersionPattern();
}

/// <summary>Content of <c>models/current</c>.</summary>
public sealed record ModelPointer(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("promotedAt")] DateTimeOffset PromotedAt,
    [property: JsonPropertyName("reason")] string? Reason);

/// <summary>Values of <see cref="ModelRegistry.SourceOf"/>.</summary>
public static class ModelSource
{
    public const string Bundled = "bundled";
    public const string Training = "training";
    public const string Import = "import";
}

/// <summary>A version in the registry. <see cref="CardJson"/> is null while its card is not uploaded yet.</summary>
public sealed record ModelVersionInfo(string Version, DateTimeOffset CreatedAt, long OnnxBytes, string? CardJson)
{
    /// <summary>The card, typed; null while it is not uploaded or when it is malformed (then <see cref="CardError"/> says why).</summary>
    public ModelCard? Card => _card.Card;

    public string? CardError => _card.Error;

    private readonly (ModelCard? Card, string? Error) _card = ParseCard(Version, CardJson);

    private static (ModelCard? Card, string? Error) ParseCard(string version, string? json)
    {
        if (json is null) return (null, null);
        ModelCard.TryParse(json, $"card of model {version}", out var card, out var error);
        return (card, error);
    }
}
