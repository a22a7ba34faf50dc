using CloudSeg.Dashboard.Services;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CloudSeg.Dashboard.Tests.Storage;

/// <summary>The models page's data: registry versions with cards, loss curves, promote and roll back.</summary>
[Collection(StorageCollection.Name)]
public sealed class ModelsServiceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Versions_promote_roll_back_and_metrics_logs_from_registry_or_local_run()
    {
        // Versions get unique names; other tests may register models in the same Azurite.
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var storage = factory.Storage;
        await storage.EnsureCreatedAsync();
        var models = factory.Services.GetRequiredService<ModelsService>();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (older, newer) = ($"a-{suffix}", $"b-{suffix}");
        foreach (var version in new[] { older, newer })
        {
            var package = Directory.CreateTempSubdirectory("cloudseg-model-").FullName;
            await File.WriteAllBytesAsync(Path.Combine(package, ModelRegistry.OnnxFileName), [1, 2, 3]);
            var card = """{"name": "shapes", "format": "cloudseg", "version": "VERSION", "classes": ["__background__", "circle"], "metrics": {"segm": {"AP": 0.5}}}""";
            await File.WriteAllTextAsync(Path.Combine(package, ModelRegistry.CardFileName), card.Replace("VERSION", version));
            await storage.Registry.UploadAsync(version, package);
        }
        await storage.Registry.Container.GetBlobClient($"{older}/{ModelsService.MetricsLogName}")
            .UploadAsync(new BinaryData("{\"step\": 1, \"loss\": 2.0}\n{\"step\": 2, \"loss\": 1.0}\n"), overwrite: true);

        await models.PromoteAsync(newer, "test", CancellationToken.None);
        var view = await models.GetAsync(CancellationToken.None);
        Assert.Equal(newer, view.Current?.Version);
        Assert.True(view.Versions.Single(v => v.Version == newer).IsCurrent);
        Assert.Equal(0.5, view.Versions.Single(v => v.Version == older).Card.Metrics.Single()["AP"]);

        var log = await models.GetMetricsLogAsync(older, CancellationToken.None);
        Assert.Equal([1.0, 2.0], log!.Steps);
        Assert.Equal([2.0, 1.0], log.Losses["loss"]);

        // A local training run keeps its metrics beside its log; local mode reads them from there.
        var runFolder = Directory.CreateTempSubdirectory("cloudseg-run-").FullName;
        Directory.CreateDirectory(Path.Combine(runFolder, "output"));
        await File.WriteAllTextAsync(Path.Combine(runFolder, "output", ModelsService.MetricsLogName), "{\"step\": 5, \"loss\": 0.7, \"mask_loss\": 0.2}\n");
        var run = TrainingRunEntity.Start(newer, "manual", "digest", DateTimeOffset.UtcNow);
        run.ModelVersion = newer;
        run.LogsLocation = Path.Combine(runFolder, "train.log");
        await storage.SaveTrainingRunAsync(run);
        var localLog = await models.GetMetricsLogAsync(newer, CancellationToken.None);
        Assert.Equal([0.2], localLog!.Losses["mask_loss"]);

        var rolledBackTo = await models.RollBackAsync("test", CancellationToken.None);
        Assert.NotNull(rolledBackTo);
        Assert.Equal(rolledBackTo, (await storage.Registry.GetCurrentAsync())?.Pointer.Version);
        Assert.NotEqual(newer, rolledBackTo);
    }
}
