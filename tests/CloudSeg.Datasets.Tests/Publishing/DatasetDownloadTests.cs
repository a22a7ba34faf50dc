using CloudSeg.Datasets.Publishing;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Datasets.Tests.Publishing;

/// <summary>The training job's copy of <c>datasets</c> (real Azurite): what was published comes back, and no hostile name leaves the folder.</summary>
public sealed class DatasetDownloadTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_published_split_downloads_into_the_layout_the_trainer_reads()
    {
        var storage = await EmptyStorageAsync();
        using var folder = await DatasetFolder.CreateAsync(images: 3, seed: 21);
        await new DatasetPublisher(storage).PushAsync("train", await DatasetValidator.CheckFolderAsync(folder.Path));
        var target = Directory.CreateTempSubdirectory("cloudseg-download-").FullName;
        try
        {
            Assert.Equal(4, await storage.DownloadDatasetsAsync(target));

            var check = await DatasetValidator.CheckFolderAsync(Path.Combine(target, "train"));
            Assert.True(check.IsValid, string.Join("; ", check.Errors));
            Assert.Equal(3, check.Coco!.Images.Count);
            Assert.Equal(await File.ReadAllBytesAsync(folder.ImagePath("000002.png")),
                await File.ReadAllBytesAsync(Path.Combine(target, "train", "images", "000002.png")));
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    [Theory]
    [InlineData(@"train\..\..\escaped.txt")]
    public async Task A_blob_whose_name_could_leave_the_folder_stops_the_download_before_anything_is_written(string hostile)
    {
        var storage = await EmptyStorageAsync();
        await storage.Datasets.GetBlobClient("train/annotations.json").UploadAsync(BinaryData.FromString("{}"));
        var hostileBlob = storage.Datasets.GetBlobClient(hostile);
        await hostileBlob.UploadAsync(BinaryData.FromString("hostile"));
        var parent = Directory.CreateTempSubdirectory("cloudseg-download-").FullName;
        var target = Path.Combine(parent, "data");
        try
        {
            var refused = await Assert.ThrowsAsync<InvalidDataException>(() => storage.DownloadDatasetsAsync(target));

            Assert.Contains("cannot be downloaded", refused.Message);
            Assert.Equal([target], Directory.GetFileSystemEntries(parent));
            Assert.Empty(Directory.GetFileSystemEntries(target));
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
            // The listing shows the name the service normalised, which the SDK cannot address again: delete it as written.
            await hostileBlob.DeleteAsync();
        }
    }

    [Fact]
    public async Task Writing_a_dataset_blob_under_a_hostile_name_is_refused()
    {
        var storage = await EmptyStorageAsync();

        await Assert.ThrowsAsync<InvalidBlobNameException>(() =>
            storage.WriteDatasetBlobAsync("train/../uploads/x.png", BinaryData.FromString("x"), new byte[16], "image/png"));
        await Assert.ThrowsAsync<InvalidBlobNameException>(() => storage.DeleteDatasetBlobAsync("../models/current.json"));
        Assert.False(await storage.HasDatasetBlobsAsync());
    }

    private async Task<CloudSegStorage> EmptyStorageAsync()
    {
        var storage = CloudSegStorage.Create(new StorageOptions { ConnectionString = azurite.ConnectionString });
        await storage.EnsureCreatedAsync();
        await foreach (var item in storage.Datasets.GetBlobsAsync()) await storage.Datasets.DeleteBlobAsync(item.Name);
        return storage;
    }
}
