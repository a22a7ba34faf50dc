using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Storage;

public class ModelRegistryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private readonly CloudSegStorage _storage = CloudSegStorage.Create(new StorageOptions { ConnectionString = azurite.ConnectionString });
    private static string TestModel => Path.Combine(RepoPaths.Fixtures, "models", "torchvision-tiny");

    [Fact]
    public async Task Upload_list_promote_and_download_a_version()
    {
        await _storage.EnsureCreatedAsync();
        Assert.Null(await _storage.Registry.GetCurrentAsync());

        await _storage.Registry.UploadAsync("v1", TestModel);
        await _storage.Registry.UploadAsync("v2", TestModel);
        var versions = await _storage.Registry.ListVersionsAsync();
        Assert.Equal(["v1", "v2"], versions.Select(v => v.Version));
        Assert.Equal(new FileInfo(Path.Combine(TestModel, "model.onnx")).Length, versions[0].OnnxBytes);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(TestModel, "model.card.json")), versions[0].CardJson);

        await _storage.Registry.PromoteAsync("v1", "test");
        var first = await _storage.Registry.GetCurrentAsync();
        await _storage.Registry.PromoteAsync("v2", "better");
        var second = await _storage.Registry.GetCurrentAsync();
        Assert.Equal("v1", first!.Value.Pointer.Version);
        Assert.Equal("v2", second!.Value.Pointer.Version);
        Assert.NotEqual(first.Value.ETag, second.Value.ETag);
        Assert.Equal(second.Value.ETag, await _storage.Registry.GetCurrentETagAsync());

        var target = Path.Combine(Path.GetTempPath(), "cloudseg-registry-" + Guid.NewGuid().ToString("N"));
        try
        {
            await _storage.Registry.DownloadAsync("v2", target);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(TestModel, "model.onnx")), await File.ReadAllBytesAsync(Path.Combine(target, "model.onnx")));
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    [Fact]
    public async Task Promoting_a_missing_or_unsafe_version_fails()
    {
        await _storage.EnsureCreatedAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => _storage.Registry.PromoteAsync("nope", "test"));
        await Assert.ThrowsAsync<ArgumentException>(() => _storage.Registry.PromoteAsync("../x", "test"));
        await Assert.ThrowsAsync<ArgumentException>(() => _storage.Registry.PromoteAsync("current", "test"));
    }
}
