using System.Globalization;
using CloudSeg.Datasets.Shapes;
using CloudSeg.Testing;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>The stack serving what a user gets: the bundled default model (models/default), for pictures of the product.</summary>
public sealed class BundledModelStackFixture : StackFixture
{
    protected override string BundledModelDirectory => RepoPaths.DefaultModelDirectory;
}

[CollectionDefinition(Name)]
public sealed class BundledModelStackCollection : ICollectionFixture<BundledModelStackFixture>
{
    public const string Name = "bundled model stack";
}

/// <summary>
/// The bundled-model stack with retraining on, as shipped: the runner starts requested runs within a second through the
/// real launcher and the shipped <c>Training:LocalCommand</c> (<c>./cloudseg train-job</c> in the clone), kept short by
/// the job's own <c>Training:Steps</c> setting.
/// </summary>
public sealed class RetrainingStackFixture : StackFixture
{
    /// <summary>Steps per run: enough for a loss curve, short enough for the suite.</summary>
    public const int Steps = 12;

    /// <summary>The first job of a fresh clone builds the CLI (minutes on two busy cores) before it trains.</summary>
    public static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(10);

    private readonly string _work = Path.Combine(Path.GetTempPath(), "cloudseg-e2e-training-" + Guid.NewGuid().ToString("N")[..8]);

    protected override string BundledModelDirectory => RepoPaths.DefaultModelDirectory;

    protected override void ConfigureRunner(Dictionary<string, string> settings)
    {
        settings["LocalRunner:RunTrainingSchedule"] = "true";
        settings["Training:Schedule"] = "0 0 3 1 1 *"; // the yearly tick never comes during a test: runs start on request
        settings["Training:RunPollInterval"] = "00:00:01";
        settings["Training:WorkDirectory"] = _work;
        settings["Training:HeartbeatInterval"] = "00:00:01";
        settings["Training:Steps"] = Steps.ToString(CultureInfo.InvariantCulture);
        settings["Training:WarmupSteps"] = "2";
        settings["Training:Threads"] = "2";
    }

    /// <summary>A seeded shapes set (train/ and val/) uploaded as datasets/, as `cloudseg dataset push` publishes one.</summary>
    public async Task SeedDatasetAsync(int train, int val)
    {
        var folder = Path.Combine(_work, "seed");
        await new ShapesDatasetWriter(new ShapesOptions { ImageSize = 128, Seed = 11 })
            .WriteAsync(folder, [new ShapesSplit("train", train), new ShapesSplit("val", val)]);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            await Storage.Datasets.GetBlobClient(Path.GetRelativePath(folder, file).Replace('\\', '/')).UploadAsync(file, overwrite: true);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_work)) Directory.Delete(_work, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class RetrainingStackCollection : ICollectionFixture<RetrainingStackFixture>
{
    public const string Name = "retraining stack";
}
