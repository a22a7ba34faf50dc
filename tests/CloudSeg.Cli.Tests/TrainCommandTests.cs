using System.Text.Json;
using CloudSeg.Datasets.Shapes;
using CloudSeg.ModelCards;

namespace CloudSeg.Cli.Tests;

public sealed class TrainCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cloudseg-cli-train-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Arch_yolact_trains_evaluates_with_coco_ap_and_writes_a_yolact_checkpoint_and_card()
    {
        await new ShapesDatasetWriter(new ShapesOptions { ImageSize = 64, Seed = 12 }).WriteAsync(_work,
            [new ShapesSplit("train", 6), new ShapesSplit("val", 2)]);
        var output = Path.Combine(_work, "run");

        var (exit, console) = await CliRunner.RunAsync("train", "--arch", "yolact", "--data", Path.Combine(_work, "train"),
            "--val", Path.Combine(_work, "val"), "--out", output, "--steps", "2", "--batch-size", "2", "--image-size", "64",
            "--warmup", "1", "--threads", "2");

        Assert.True(exit == 0, console);
        Assert.Contains("YOLACT", console);
        var model = Path.Combine(output, "model");
        using (var checkpoint = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "checkpoint.json"))))
        {
            Assert.Equal(2, checkpoint.RootElement.GetProperty("step").GetInt32());
            Assert.Equal(JsonValueKind.Null, checkpoint.RootElement.GetProperty("model").ValueKind);
            Assert.Equal(64, checkpoint.RootElement.GetProperty("yolact").GetProperty("image_size").GetInt32());
        }
        Assert.True(File.Exists(Path.Combine(model, "model.bin")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(model, "metrics.jsonl")).Length);
        // The existing COCO evaluator scored it: both columns, and no MaskIoU rescoring for a model without that head.
        using (var evaluation = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "evaluation.json"))))
        {
            Assert.True(evaluation.RootElement.GetProperty("segm").TryGetProperty("AP", out _));
            Assert.True(evaluation.RootElement.GetProperty("bbox").TryGetProperty("AP", out _));
        }
        var card = ModelCard.Read(Path.Combine(model, "model.card.json"));
        Assert.Equal(ModelArchitecture.Yolact, card.Architecture);
        Assert.Equal(["__background__", "circle", "square", "triangle", "star"], card.Classes);
        Assert.NotNull(card.Metrics!.Segm);
        Assert.Equal(64, card.Input!.MinSize);

        // The package serves through `cloudseg segment` like a Mask R-CNN one: COCO JSON and an overlay per picture.
        var picture = Directory.GetFiles(Path.Combine(_work, "val", "images")).Order().First();
        var segmented = Path.Combine(_work, "segmented");
        var (segmentExit, segmentConsole) = await CliRunner.RunAsync("segment", picture, "--model", model, "--score-threshold", "0.01",
            "--output", segmented);
        Assert.True(segmentExit == 0, segmentConsole);
        Assert.Contains("1 segmented", segmentConsole);
        var stem = Path.GetFileNameWithoutExtension(picture);
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(segmented, stem + ".json")));
        Assert.True(results.RootElement.GetArrayLength() > 0, "an untrained YOLACT still scores some priors above 0.01");
        foreach (var result in results.RootElement.EnumerateArray())
        {
            Assert.InRange(result.GetProperty("category_id").GetInt32(), 1, 4);
            Assert.Equal(64, result.GetProperty("segmentation").GetProperty("size")[0].GetInt32());
        }
        Assert.True(new FileInfo(Path.Combine(segmented, stem + ".overlay.png")).Length > 0);
    }

    [Fact]
    public async Task Arch_yolact_refuses_mask_rcnn_initialisations_before_training()
    {
        var (exit, console, output) = await TrainYolactOnSixShapesAsync("--init-from", Path.Combine(_work, "train", "annotations.json"));

        Assert.Equal(1, exit);
        Assert.Contains("is a Mask R-CNN's", console);
        Assert.False(Directory.Exists(Path.Combine(output, "model")));
    }

    [Fact]
    public async Task Arch_yolact_refuses_the_long_side_cap_instead_of_ignoring_it()
    {
        var (exit, console, output) = await TrainYolactOnSixShapesAsync("--max-image-size", "106");

        Assert.Equal(1, exit);
        Assert.Contains("--max-image-size", console);
        Assert.Contains("is Mask R-CNN's", console);
        Assert.False(Directory.Exists(Path.Combine(output, "model")));
    }

    /// <summary>`cloudseg train --arch yolact` for one step on six 64 px shapes pictures, with the extra options.</summary>
    private async Task<(int Exit, string Console, string Output)> TrainYolactOnSixShapesAsync(params string[] extra)
    {
        await new ShapesDatasetWriter(new ShapesOptions { ImageSize = 64, Seed = 13 }).WriteAsync(_work,
            [new ShapesSplit("train", 6)]);
        var output = Path.Combine(_work, "run");
        var (exit, console) = await CliRunner.RunAsync(["train", "--arch", "yolact", "--data", Path.Combine(_work, "train"),
            "--out", output, "--steps", "1", "--batch-size", "2", "--image-size", "64", .. extra]);
        return (exit, console, output);
    }
}
