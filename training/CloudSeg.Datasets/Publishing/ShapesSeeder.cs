using CloudSeg.Datasets.Shapes;
using CloudSeg.Storage;
using Microsoft.Extensions.Logging;

namespace CloudSeg.Datasets.Publishing;

/// <summary>
/// Gives a fresh system labelled data to retrain on: when the <c>datasets</c> container is empty, draws a small shapes
/// set (fixed seeds, so every fresh system gets the same pictures) and publishes it as train and val.
/// </summary>
public static partial class ShapesSeeder
{
    /// <summary>Another seed than the bundled model's training data (seed 1), so retraining sees pictures it has not.</summary>
    public const int Seed = 2;

    /// <summary>Publishes the set unless <c>datasets</c> holds anything; returns what was pushed (empty when nothing was).</summary>
    public static async Task<IReadOnlyList<DatasetPushResult>> SeedIfEmptyAsync(CloudSegStorage storage, int trainImages, int valImages,
        ILogger logger, CancellationToken ct = default)
    {
        if (await storage.HasDatasetBlobsAsync(ct).ConfigureAwait(false)) return [];

        var folder = Directory.CreateTempSubdirectory("cloudseg-seed-").FullName;
        try
        {
            var splits = new ShapesSplit[] { new("train", trainImages), new("val", valImages) };
            await new ShapesDatasetWriter(new ShapesOptions { Seed = Seed }).WriteAsync(folder, splits, cancellationToken: ct).ConfigureAwait(false);
            var publisher = new DatasetPublisher(storage);
            var results = new List<DatasetPushResult>();
            foreach (var split in splits)
            {
                // The generator's output goes through the same checks as a person's data.
                var check = await DatasetValidator.CheckFolderAsync(Path.Combine(folder, split.Name), ct).ConfigureAwait(false);
                if (!check.IsValid) throw new InvalidDataException($"The generated shapes split {split.Name} did not validate: {string.Join("; ", check.Errors)}");
                results.Add(await publisher.PushAsync(split.Name, check, ct: ct).ConfigureAwait(false));
            }
            LogSeeded(logger, trainImages, valImages, Seed);
            return results;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "datasets/ was empty: seeded it with {Train} train and {Val} val shapes images (seed {Seed})")]
    private static partial void LogSeeded(ILogger logger, int train, int val, int seed);
}
