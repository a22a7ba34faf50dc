using System.Text.Json;
using CloudSeg.Storage;
using CloudSeg.Testing;
using CloudSeg.Training.Tests;

namespace CloudSeg.Cli.Tests;

/// <summary>
/// <c>cloudseg models pull … --register</c> end to end: the real command turns a torchvision maskrcnn_resnet50_fpn file
/// (seeded random weights written by Debian's torchvision) into a package, registers it in a real Azurite, and the
/// registered version is listed with torchvision's published AP and can be promoted.
/// </summary>
public sealed class ModelsPullCommandTests(AzuriteFixture azurite, TorchvisionWeightsFile weights)
    : IClassFixture<AzuriteFixture>, IClassFixture<TorchvisionWeightsFile>
{
    [Fact]
    public async Task A_pulled_model_is_registered_listed_with_torchvisions_ap_and_can_be_promoted()
    {
        var output = Path.Combine(weights.Folder, "registered");
        var version = "maskrcnn_resnet50_fpn-" + Path.GetFileNameWithoutExtension(weights.WeightsPath).Split('-')[^1];

        var (pulled, pull) = await CliRunner.RunAsync("models", "pull", "torchvision/maskrcnn_resnet50_fpn", "--file", weights.WeightsPath,
            "--out", output, "--register", "--connection-string", azurite.ConnectionString);
        var (listed, json) = await CliRunner.RunAsync("models", "list", "--json", "--connection-string", azurite.ConnectionString);

        Assert.True(pulled == 0, pull);
        Assert.Contains($"Registered {version}; make it current with `cloudseg models promote {version}`.", pull);
        Assert.Equal(0, listed);
        var entry = JsonDocument.Parse(json).RootElement.EnumerateArray().Single(e => e.GetProperty("version").GetString() == version);
        Assert.Equal((false, "import", 0.346), (entry.GetProperty("current").GetBoolean(), entry.GetProperty("source").GetString(), entry.GetProperty("mask_ap").GetDouble()));
        var registry = CloudSegStorage.Create(new StorageOptions { ConnectionString = azurite.ConnectionString }).Registry;
        var stored = Path.Combine(weights.Folder, "downloaded");
        await registry.DownloadAsync(version, stored);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(output, "model.onnx")), await File.ReadAllBytesAsync(Path.Combine(stored, "model.onnx")));

        var (promoted, promotion) = await CliRunner.RunAsync("models", "promote", version, "--connection-string", azurite.ConnectionString);

        Assert.True(promoted == 0, promotion);
        Assert.Equal(version, (await registry.GetCurrentAsync())!.Value.Pointer.Version);
    }
}
