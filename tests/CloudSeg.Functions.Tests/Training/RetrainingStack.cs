using System.Globalization;
using CloudSeg.Datasets.Shapes;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.ModelCards;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Training;

/// <summary>
/// The real thing for retraining: a private Azurite, the local runner in-process with its training schedule on (it
/// starts requested runs within a second), the bundled default model as current, and the shipped
/// <c>Training:LocalCommand</c> (<c>./cloudseg train-job</c> in the clone), kept short through the requests' steps.
/// </summary>
public class RetrainingStack : LocalRunnerFixture, IAsyncLifetime
{
    /// <summary>The first job of a fresh clone builds the CLI (minutes on two busy cores) before it beats.</summary>
    public static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(8);

    private readonly string _work = Path.Combine(Path.GetTempPath(), "cloudseg-retrain-" + Guid.NewGuid().ToString("N")[..8]);

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Models:BundledModelDirectory"] = RepoPaths.DefaultModelDirectory;
        settings["LocalRunner:RunTrainingSchedule"] = "true";
        settings["Training:Schedule"] = "0 0 3 1 1 *";   // the yearly tick never comes during a test: runs start on request
        settings["Training:RunPollInterval"] = "00:00:01";
        settings["Training:WorkDirectory"] = _work;
        settings["Training:HeartbeatInterval"] = "00:00:01";
        settings["Training:WarmupSteps"] = "5";
        settings["Training:Threads"] = "2";
    }

    /// <summary>Writes a seeded shapes set (train/ and val/) and uploads it as datasets/, replacing what was there.</summary>
    public async Task SeedDatasetAsync(int train, int val, IReadOnlyList<ShapeKind>? classes = null)
    {
        await foreach (var blob in Storage.Datasets.GetBlobsAsync())
            await Storage.Datasets.DeleteBlobAsync(blob.Name);
        var folder = Path.Combine(_work, "seed-" + Guid.NewGuid().ToString("N")[..6]);
        var options = new ShapesOptions { ImageSize = 128, Seed = 11, Classes = classes ?? new ShapesOptions().Classes };
        await new ShapesDatasetWriter(options).WriteAsync(folder, [new ShapesSplit("train", train), new ShapesSplit("val", val)]);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            await Storage.Datasets.GetBlobClient(Path.GetRelativePath(folder, file).Replace('\\', '/')).UploadAsync(file, overwrite: true);
    }

    /// <summary>Polls the run's row until <paramref name="done"/> holds for it.</summary>
    public Task<TrainingRunEntity> WaitForRunAsync(string runId, Func<TrainingRunEntity, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.ValueAsync(async () => await Storage.GetTrainingRunAsync(runId) is { } row && done(row) ? row : null, what,
            timeout ?? JobTimeout);

    /// <summary>The registry version the bundled default model gets when the stack seeds it (its card's version).</summary>
    public static readonly string BundledVersion = ModelRegistry.BundledVersionPrefix
        + ModelCard.Read(Path.Combine(RepoPaths.DefaultModelDirectory, "model.card.json")).Version;

    public async Task<string?> CurrentVersionAsync() => (await Storage.Registry.GetCurrentAsync())?.Pointer.Version;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (Directory.Exists(_work)) Directory.Delete(_work, recursive: true);
    }

    public static string Ap(double? value) => value?.ToString("0.000", CultureInfo.InvariantCulture) ?? "none";
}

/// <summary>The same stack with a margin no candidate can clear: every run must keep the current model.</summary>
public sealed class RetrainingStackWithUnreachableMargin : RetrainingStack
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        base.Configure(settings);
        settings["Training:MinImprovement"] = "1.0";
    }
}
