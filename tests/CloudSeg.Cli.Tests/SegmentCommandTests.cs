using System.Text.Json;
using CloudSeg.Core.Coco;
using CloudSeg.Core.Imaging;
using CloudSeg.Tests;

namespace CloudSeg.Cli.Tests;

public sealed class SegmentCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cloudseg-cli-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Output => Path.Combine(_work, "out");

    [Fact]
    public async Task Writes_coco_json_and_overlay_per_image_matching_torchvision()
    {
        var (exit, console) = await CliRunner.RunAsync("segment", RepoPaths.FixtureImage("landscape_320x240"),
            RepoPaths.FixtureImage("flat_160x120"), "--model", RepoPaths.FixtureModel("torchvision-tiny"), "--output", Output);

        Assert.True(exit == 0, console);
        Assert.Contains("2 segmented", console);
        AssertMatchesFixture("torchvision-tiny", "landscape_320x240", imageId: 1);
        AssertMatchesFixture("torchvision-tiny", "flat_160x120", imageId: 2);
        Assert.Equal("[]", File.ReadAllText(Path.Combine(Output, "flat_160x120.json")).Trim());
    }

    [Fact]
    public async Task Segments_a_modelzoo_model_given_as_an_onnx_file_with_an_explicit_format()
    {
        var onnx = Path.Combine(_work, "maskrcnn.onnx");
        File.Copy(Path.Combine(RepoPaths.FixtureModel("modelzoo-tiny"), "model.onnx"), onnx);
        var classes = Path.Combine(_work, "classes.txt");
        File.WriteAllLines(classes, ["circle", "square", "triangle"]);

        var (exit, console) = await CliRunner.RunAsync("segment", RepoPaths.FixtureImage("portrait_180x260"),
            "--model", onnx, "--format", "modelzoo", "--classes", classes, "--score-threshold", "0", "--output", Output);

        Assert.True(exit == 0, console);
        Assert.Contains("(mask_rcnn, modelzoo)", console);
        AssertMatchesFixture("modelzoo-tiny", "portrait_180x260", imageId: 1, minFraction: 0.85);
    }

    [Fact]
    public async Task Bad_files_get_an_error_line_and_a_failing_exit_status_while_the_others_are_written()
    {
        var notAnImage = Path.Combine(_work, "notes.jpg");
        File.WriteAllText(notAnImage, "this is not a JPEG");
        var truncated = Path.Combine(_work, "truncated.png");
        File.WriteAllBytes(truncated, File.ReadAllBytes(RepoPaths.FixtureImage("landscape_320x240"))[..200]);
        var missing = Path.Combine(_work, "missing.png");

        var (exit, console) = await CliRunner.RunAsync("segment", notAnImage, RepoPaths.FixtureImage("portrait_180x260"), truncated, missing,
            "--model", RepoPaths.FixtureModel("torchvision-tiny"), "--output", Output);

        Assert.Equal(1, exit);
        foreach (var bad in new[] { notAnImage, truncated, missing })
        {
            Assert.Contains($"error: {bad}", console);
            Assert.False(File.Exists(Path.Combine(Output, Path.GetFileNameWithoutExtension(bad) + ".json")));
        }
        Assert.Contains("1 segmented, 3 failed", console);
        AssertMatchesFixture("torchvision-tiny", "portrait_180x260", imageId: 2);
        Assert.Empty(Directory.GetFiles(Output, "*.partial"));
    }

    [Fact]
    public async Task Segments_with_an_ultralytics_yolo_seg_export_given_as_it_is()
    {
        var onnx = Path.Combine(_work, "yolo11n-seg.onnx");
        CloudSeg.Inference.Tests.YoloSegFixtureGraph.Write(onnx);
        // Landscape 400×200: letterboxed at scale 1.6 below a 160-pixel grey band; white where the fixture's first box is.
        var pixels = new byte[400 * 200 * 3];
        for (var y = 50; y < 150; y++) pixels.AsSpan((y * 400 + 100) * 3, 200 * 3).Fill(255);
        var picture = Path.Combine(_work, "wide.png");
        File.WriteAllBytes(picture, ImageEncoder.Png(new RgbImage(400, 200, pixels)));

        var (exit, console) = await CliRunner.RunAsync("segment", picture, "--model", onnx, "--output", Output);

        Assert.True(exit == 0, console);
        Assert.Contains("(yolo_seg, ultralytics)", console);
        using var json = File.OpenRead(Path.Combine(Output, "wide.json"));
        var results = CocoResultsJson.Read(json);
        Assert.Equal([1, 2], results.Select(r => r.CategoryId));
        Assert.Equal([100f, 50f, 200f, 100f], results[0].Bbox.Select(v => MathF.Round(v, 2)));
        Assert.Equal((200, 400), (results[0].Segmentation!.Height, results[0].Segmentation!.Width));
    }

    [Fact]
    public async Task A_folder_argument_segments_the_images_inside_it()
    {
        var folder = Path.Combine(_work, "in");
        Directory.CreateDirectory(folder);
        File.Copy(RepoPaths.FixtureImage("tiny_40x30"), Path.Combine(folder, "a.png"));
        File.Copy(RepoPaths.FixtureImage("wide_400x120"), Path.Combine(folder, "b.png"));
        File.WriteAllText(Path.Combine(folder, "readme.txt"), "not picked up: not an image extension");

        var (exit, console) = await CliRunner.RunAsync("segment", folder, "--model", RepoPaths.FixtureModel("torchvision-tiny"), "--output", Output);

        Assert.True(exit == 0, console);
        Assert.Equal(["a.json", "a.overlay.png", "b.json", "b.overlay.png"],
            Directory.GetFiles(Output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_missing_model_is_a_clear_error()
    {
        var (exit, console) = await CliRunner.RunAsync("segment", RepoPaths.FixtureImage("tiny_40x30"),
            "--model", Path.Combine(_work, "no-such-model"), "--output", Output);

        Assert.Equal(2, exit);
        Assert.Contains("error: model:", console);
        Assert.Contains("does not exist", console);
    }

    /// <summary>The JSON is a COCO results list equal to the fixture's expected outputs (boxes as x,y,w,h in image
    /// pixels, pycocotools RLE strings) and the overlay is a PNG of the image's size. <paramref name="minFraction"/> &lt; 1
    /// allows for the model zoo fixture's tie-broken proposals (see the inference tests).</summary>
    private void AssertMatchesFixture(string model, string stem, int imageId, double minFraction = 1.0)
    {
        var expected = ReadExpected(model, stem);
        var input = ImageDecoder.DecodeFile(RepoPaths.FixtureImage(stem));
        using var json = File.OpenRead(Path.Combine(Output, stem + ".json"));
        var results = CocoResultsJson.Read(json);
        var allowedMisses = (int)Math.Floor(expected.Count * (1 - minFraction));
        Assert.InRange(results.Count, expected.Count - allowedMisses, expected.Count + allowedMisses);
        var found = 0;
        foreach (var want in expected)
        {
            var box = want.GetProperty("box").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            var got = results.SingleOrDefault(r => Math.Abs(r.Bbox[0] - box[0]) < 1e-3 && Math.Abs(r.Bbox[1] - box[1]) < 1e-3
                                                   && Math.Abs(r.Bbox[2] - (box[2] - box[0])) < 1e-3 && Math.Abs(r.Bbox[3] - (box[3] - box[1])) < 1e-3);
            if (got is null) continue;
            found++;
            Assert.Equal(imageId, got.ImageId);
            Assert.Equal(want.GetProperty("label").GetInt32(), got.CategoryId);
            Assert.Equal(want.GetProperty("score").GetSingle(), got.Score, 1e-4f);
            Assert.Equal(want.GetProperty("rle").GetString(), got.Segmentation!.Counts);
            Assert.Equal((input.Height, input.Width), (got.Segmentation.Height, got.Segmentation.Width));
        }
        Assert.True(found >= expected.Count - allowedMisses, $"{found} of {expected.Count} expected instances in the JSON");
        var overlay = ImageDecoder.DecodeFile(Path.Combine(Output, stem + ".overlay.png"));
        Assert.Equal((input.Width, input.Height), (overlay.Width, overlay.Height));
        if (expected.Count > 0)
            Assert.NotEqual(input.Pixels, overlay.Pixels);
    }

    private static IReadOnlyList<JsonElement> ReadExpected(string model, string stem)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.FixtureModel(model), "expected.json")));
        return document.RootElement.GetProperty(stem).GetProperty("instances").EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
