using System.Diagnostics;
using Azure.Storage.Blobs;
using CloudSeg.Datasets.Publishing;
using CloudSeg.Evaluation.Sources;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudSeg.Datasets.Tests.Publishing;

/// <summary>Publishing into a real (Azurite) datasets container: the layout the training job reads, and nothing half-done.</summary>
public sealed class DatasetPublisherTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_pushed_split_reads_back_like_the_folder_and_a_second_push_replaces_it()
    {
        using var first = await DatasetFolder.CreateAsync(images: 4, seed: 11);
        using var second = await DatasetFolder.CreateAsync(images: 2, seed: 12);
        var (storage, container) = await EmptyDatasetsAsync();
        var publisher = new DatasetPublisher(storage);

        var pushed = await publisher.PushAsync("train", await DatasetValidator.CheckFolderAsync(first.Path));
        var again = await publisher.PushAsync("train", await DatasetValidator.CheckFolderAsync(first.Path));

        Assert.Equal(new DatasetPushResult("train", 4, 0, 0), pushed);
        Assert.Equal(new DatasetPushResult("train", 0, 4, 0), again);
        var fromBlobs = await InstanceDataset.OpenAsync(new Sources.BlobDatasetSource(container, "train/"));
        Assert.Equal(4, fromBlobs.Count);
        var fromDisk = await InstanceDataset.OpenAsync(FolderDatasetSource.Open(first.Path));
        Assert.Equal((await fromDisk.ReadSampleAsync(3)).Image.Pixels, (await fromBlobs.ReadSampleAsync(3)).Image.Pixels);

        // Other pictures under the same names: all are uploaded again, and the two the new split no longer has are removed.
        var replaced = await publisher.PushAsync("train", await DatasetValidator.CheckFolderAsync(second.Path));

        Assert.Equal(new DatasetPushResult("train", 2, 0, 2), replaced);
        Assert.Equal(["train/annotations.json", "train/images/000001.png", "train/images/000002.png"], await NamesAsync(container));
    }

    [Fact]
    public async Task An_invalid_dataset_writes_nothing()
    {
        using var folder = await DatasetFolder.CreateAsync();
        File.Delete(folder.ImagePath("000003.png"));
        var (storage, container) = await EmptyDatasetsAsync();
        var check = await DatasetValidator.CheckFolderAsync(folder.Path);

        await Assert.ThrowsAsync<InvalidOperationException>(() => new DatasetPublisher(storage).PushAsync("train", check));
        await Assert.ThrowsAsync<ArgumentException>(() => new DatasetPublisher(storage).PushAsync("../train", check));

        Assert.Empty(await NamesAsync(container));
    }

    [Fact]
    public async Task The_seed_set_fills_an_empty_container_once_and_measures_its_cost()
    {
        var (storage, container) = await EmptyDatasetsAsync();

        var clock = Stopwatch.StartNew();
        var seeded = await ShapesSeeder.SeedIfEmptyAsync(storage, 300, 50, NullLogger.Instance);
        var elapsed = clock.Elapsed;
        var second = await ShapesSeeder.SeedIfEmptyAsync(storage, 300, 50, NullLogger.Instance);

        Assert.Equal([new DatasetPushResult("train", 300, 0, 0), new DatasetPushResult("val", 50, 0, 0)], seeded);
        Assert.Empty(second);
        Assert.Equal(2 + 350, (await NamesAsync(container)).Count);
        // `cloudseg up` does this on a fresh system: it must stay a small part of start-up (about 15 s on the shared 2-core machine).
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"Seeding took {elapsed.TotalSeconds:0.0} s.");
        Console.WriteLine($"Seeding 300 + 50 shapes images took {elapsed.TotalSeconds:0.0} s.");
    }

    /// <summary>The class's own Azurite, its <c>datasets</c> emptied (the tests of a class run one at a time).</summary>
    private async Task<(CloudSegStorage Storage, BlobContainerClient Datasets)> EmptyDatasetsAsync()
    {
        var storage = CloudSegStorage.Create(new StorageOptions { ConnectionString = azurite.ConnectionString });
        await storage.EnsureCreatedAsync();
        await foreach (var item in storage.Datasets.GetBlobsAsync()) await storage.Datasets.DeleteBlobAsync(item.Name);
        return (storage, storage.Datasets);
    }

    private static async Task<List<string>> NamesAsync(BlobContainerClient container)
    {
        var names = new List<string>();
        await foreach (var item in container.GetBlobsAsync()) names.Add(item.Name);
        return names;
    }
}
