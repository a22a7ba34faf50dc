using CloudSeg.ModelCards;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Storage;

/// <summary>
/// A package's int8 graph (<c>cloudseg quantize</c>) travels with its version through the registry when the card names
/// it, so the functions' CPU hosts (which serve int8 under Precision Auto) get it from a download.
/// </summary>
public sealed class ModelRegistryInt8Tests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private const string Int8FileName = "model.int8.onnx";
    private readonly CloudSegStorage _storage = CloudSegStorage.Create(new StorageOptions { ConnectionString = azurite.ConnectionString });
    private readonly string _work = Directory.CreateTempSubdirectory("cloudseg-registry-int8-").FullName;
    private static string TestModel => Path.Combine(RepoPaths.Fixtures, "models", "torchvision-tiny");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task A_version_whose_card_names_an_int8_graph_uploads_and_downloads_it_with_the_card_last()
    {
        await _storage.EnsureCreatedAsync();
        var withInt8 = CopyPackage("with-int8", Int8FileName);
        await File.WriteAllBytesAsync(Path.Combine(withInt8, Int8FileName), [1, 2, 3, 4]);   // the registry moves bytes; content is the segmenter's concern
        var plain = CopyPackage("plain", int8Graph: null);

        await _storage.Registry.UploadAsync("q1", withInt8);
        await _storage.Registry.UploadAsync("p1", plain);

        var target = Path.Combine(_work, "downloaded");
        await _storage.Registry.DownloadAsync("q1", Path.Combine(target, "q1"));
        Assert.Equal([1, 2, 3, 4], await File.ReadAllBytesAsync(Path.Combine(target, "q1", Int8FileName)));
        await _storage.Registry.DownloadAsync("p1", Path.Combine(target, "p1"));
        Assert.Equal(["model.card.json", "model.onnx"], Directory.GetFiles(Path.Combine(target, "p1")).Select(Path.GetFileName).Order());

        // A card naming an int8 graph the registry lacks leaves no card behind (a folder with a card counts as complete).
        await _storage.Registry.Container.GetBlobClient($"q1/{Int8FileName}").DeleteAsync();
        var partial = Path.Combine(target, "q1-broken");
        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => _storage.Registry.DownloadAsync("q1", partial));
        Assert.False(File.Exists(Path.Combine(partial, "model.card.json")));
    }

    [Fact]
    public async Task A_card_naming_a_missing_or_unsafe_int8_graph_is_refused_before_anything_is_uploaded()
    {
        await _storage.EnsureCreatedAsync();
        var missing = CopyPackage("missing", Int8FileName);
        var unsafeName = CopyPackage("unsafe", "../model.int8.onnx");

        var notFound = await Assert.ThrowsAsync<FileNotFoundException>(() => _storage.Registry.UploadAsync("m1", missing));
        Assert.Contains("the int8 graph its card names", notFound.Message);
        var invalid = await Assert.ThrowsAsync<InvalidDataException>(() => _storage.Registry.UploadAsync("u1", unsafeName));
        Assert.Contains("../model.int8.onnx", invalid.Message);
        Assert.DoesNotContain((await _storage.Registry.ListVersionsAsync()).Select(v => v.Version), v => v is "m1" or "u1");
    }

    /// <summary>The test model's graph with a card that names <paramref name="int8Graph"/> (or no int8 graph).</summary>
    private string CopyPackage(string name, string? int8Graph)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_work, name)).FullName;
        File.Copy(Path.Combine(TestModel, "model.onnx"), Path.Combine(folder, "model.onnx"));
        var card = ModelCard.Read(Path.Combine(TestModel, "model.card.json"));
        (int8Graph is null ? card : card with { Int8 = new Int8GraphInfo { Graph = int8Graph } }).Write(Path.Combine(folder, "model.card.json"));
        return folder;
    }
}
