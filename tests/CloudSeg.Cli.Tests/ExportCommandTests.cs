using System.Text.Json;
using CloudSeg.ModelCards;
using CloudSeg.Tests;

namespace CloudSeg.Cli.Tests;

public sealed class ExportCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cloudseg-cli-export-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static string DefaultModel => Path.Combine(RepoPaths.Root, "models", "default");
    private static string Samples => Path.Combine(RepoPaths.Root, "samples");

    /// <summary>
    /// `cloudseg export --int8` end to end on the bundled model (a package without training weights, so re-exported
    /// from its graph): the float graph reproduces the rebuilt TorchSharp model (--verify), the int8 graph is written
    /// beside it and named by the card, and `segment --precision int8` runs it and finds the sample's shapes.
    /// </summary>
    [Fact]
    public async Task Export_int8_writes_a_calibrated_int8_graph_that_segments()
    {
        var package = Path.Combine(_work, "package");
        var picture = Path.Combine(Samples, "000001.jpg");

        var (exit, console) = await CliRunner.RunAsync("export", "--checkpoint", DefaultModel, "--out", package, "--verify", picture,
            "--int8", "--calibration", Samples, "--images", "4", "--min-agreement", "0");

        Assert.True(exit == 0, console);
        Assert.Contains("same", console);
        var card = ModelCard.Read(Path.Combine(package, "model.card.json"));
        var bundled = ModelCard.Read(Path.Combine(DefaultModel, "model.card.json"));
        Assert.Equal((bundled.Name, bundled.Version, bundled.Metrics?.Segm?.Ap), (card.Name, card.Version, card.Metrics?.Segm?.Ap));
        Assert.NotNull(card.Int8);
        Assert.Equal("model.int8.onnx", card.Int8.Graph);
        Assert.Equal(3, card.Int8.Calibration.Images);   // 4 pictures: 3 calibrate, 1 held back
        Assert.True(new FileInfo(Path.Combine(package, "model.int8.onnx")).Length < new FileInfo(Path.Combine(package, "model.onnx")).Length / 2,
            "int8 weights take a quarter of the float graph's bytes");

        var results = Path.Combine(_work, "results");
        (exit, console) = await CliRunner.RunAsync("segment", picture, "--model", package, "--precision", "int8", "--output", results);

        Assert.True(exit == 0, console);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(results, "000001.json")));
        Assert.True(json.RootElement.GetArrayLength() > 0, "the int8 graph finds the sample's shapes");
    }

    [Fact]
    public async Task Export_int8_without_calibration_pictures_is_a_clear_error()
    {
        var (exit, console) = await CliRunner.RunAsync("export", "--checkpoint", DefaultModel, "--out", Path.Combine(_work, "p"), "--int8");

        Assert.Equal(2, exit);
        Assert.Contains("--int8 needs --calibration", console);
        Assert.False(Directory.Exists(Path.Combine(_work, "p")));
    }
}
