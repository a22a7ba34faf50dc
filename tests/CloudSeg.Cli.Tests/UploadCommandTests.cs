using Azure.Storage.Blobs.Models;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Cli.Tests;

/// <summary>`cloudseg upload` refuses, before sending, what the dashboard and the functions would refuse (issue 11).</summary>
public sealed class UploadCommandTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cloudseg-upload-").FullName;
    private readonly CloudSegStorage _storage = CloudSegStorage.Create(new StorageOptions { ConnectionString = azurite.ConnectionString });

    private string Fixture(string name) =>
        Path.Combine(CloudSeg.Testing.RepoPaths.Fixtures, "models", "images", name);

    [Fact]
    public async Task A_prefix_that_leaves_uploads_is_refused_and_nothing_reaches_results()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(_folder, $"{run}.png");
        File.Copy(Fixture("tiny_40x30.png"), file);

        var (exit, output) = await CliRunner.RunAsync("upload", file, "--prefix", "../results/", "--connection-string", azurite.ConnectionString);

        Assert.Equal(2, exit);
        Assert.Contains("'..' segment", output);
        await _storage.EnsureCreatedAsync();
        foreach (var container in new[] { _storage.Uploads, _storage.Results })
            await foreach (var blob in container.GetBlobsAsync())
                Assert.DoesNotContain(run, blob.Name);
    }

    [Fact]
    public async Task Files_the_functions_would_refuse_are_refused_and_the_rest_still_uploads()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var good = Path.Combine(_folder, $"{run}-good.png");
        File.Copy(Fixture("landscape_320x240.png"), good);
        var bomb = Path.Combine(_folder, $"{run}-bomb.png");
        await File.WriteAllBytesAsync(bomb, HandMadePng.Png(30000, 30000, colourType: 2, bitDepth: 8, [0, 0, 0, 0]));
        var text = Path.Combine(_folder, $"{run}-text.jpg");
        await File.WriteAllTextAsync(text, "<html>not a picture</html>");
        var reversed = Path.Combine(_folder, $"{run}-\u202Egnp.png");
        File.Copy(Fixture("landscape_320x240.png"), reversed);

        var (exit, output) = await CliRunner.RunAsync("upload", good, bomb, text, reversed, "--connection-string", azurite.ConnectionString);

        Assert.Equal(1, exit);
        Assert.Contains("30000x30000", output);
        Assert.Contains("not an image", output);
        Assert.Contains("U+202E", output);
        Assert.Contains($"uploaded {run}-good.png", output);
        var uploaded = new List<string>();
        await foreach (var blob in _storage.Uploads.GetBlobsAsync(BlobTraits.None, BlobStates.None, run, default)) uploaded.Add(blob.Name);
        Assert.Equal([$"{run}-good.png"], uploaded);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
