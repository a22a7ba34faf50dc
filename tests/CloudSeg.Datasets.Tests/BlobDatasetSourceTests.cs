using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using CloudSeg.Datasets.Shapes;
using CloudSeg.Datasets.Sources;
using CloudSeg.Evaluation.Sources;
using CloudSeg.Testing;

namespace CloudSeg.Datasets.Tests;

/// <summary>Datasets read from a real (Azurite) blob container load exactly like the same files on disk.</summary>
public sealed class BlobDatasetSourceTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("cloudseg-blobdata-").FullName;

    [Fact]
    public async Task A_dataset_uploaded_under_a_prefix_loads_like_the_folder_it_came_from()
    {
        await new ShapesDatasetWriter(new ShapesOptions { ImageSize = 64, Seed = 4 }).WriteAsync(folder, [new ShapesSplit("train", 3)]);
        var container = await NewContainerAsync();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(folder, "train"), "*", SearchOption.AllDirectories))
        {
            var name = "shapes/train/" + Path.GetRelativePath(Path.Combine(folder, "train"), file).Replace('\\', '/');
            await container.UploadBlobAsync(name, BinaryData.FromBytes(await File.ReadAllBytesAsync(file)));
        }

        var fromBlobs = await InstanceDataset.OpenAsync(new BlobDatasetSource(container, "shapes/train"));
        var fromDisk = await InstanceDataset.OpenAsync(FolderDatasetSource.Open(Path.Combine(folder, "train")));

        Assert.Equal(3, fromBlobs.Count);
        Assert.Contains("shapes/train/", fromBlobs.Location);
        for (var index = 0; index < fromBlobs.Count; index++)
        {
            var (blob, disk) = (await fromBlobs.ReadSampleAsync(index), await fromDisk.ReadSampleAsync(index));
            Assert.Equal(disk.Image.Pixels, blob.Image.Pixels);
            Assert.Equal(disk.Instances, blob.Instances);
        }
    }

    [Fact]
    public async Task A_container_url_with_a_sas_opens_the_dataset_under_its_path()
    {
        await new ShapesDatasetWriter(new ShapesOptions { ImageSize = 64, Seed = 5 }).WriteAsync(folder, [new ShapesSplit("val", 2)]);
        var container = await NewContainerAsync();
        await container.UploadBlobAsync("sets/val/annotations.json", BinaryData.FromBytes(await File.ReadAllBytesAsync(Path.Combine(folder, "val", "annotations.json"))));
        await container.UploadBlobAsync("sets/val/images/000002.png", BinaryData.FromBytes(await File.ReadAllBytesAsync(Path.Combine(folder, "val", "images", "000002.png"))));
        var sas = container.GenerateSasUri(BlobContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1));
        var url = new UriBuilder(sas) { Path = sas.AbsolutePath + "/sets/val" }.Uri.ToString();

        var dataset = await InstanceDataset.OpenAsync(DatasetLocation.Open(url));

        Assert.Equal(2, dataset.Count);
        Assert.Equal(64, (await dataset.ReadSampleAsync(1)).Image.Width);
        Assert.IsType<FolderDatasetSource>(DatasetLocation.Open(Path.Combine(folder, "val")));
    }

    [Fact]
    public async Task Missing_blobs_and_escaping_names_are_clear_errors()
    {
        var container = await NewContainerAsync();
        var source = new BlobDatasetSource(container);

        await Assert.ThrowsAsync<FileNotFoundException>(() => source.ReadAnnotationsAsync());
        var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => source.ReadImageAsync("nope.png"));
        Assert.Contains("nope.png", missing.Message);
        await Assert.ThrowsAsync<InvalidDataException>(() => source.ReadImageAsync("../annotations.json"));
    }

    private async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("data-" + Guid.NewGuid().ToString("N")[..8]);
        await container.CreateAsync();
        return container;
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
