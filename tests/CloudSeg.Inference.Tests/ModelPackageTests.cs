using CloudSeg.ModelCards;

namespace CloudSeg.Inference.Tests;

public sealed class ModelPackageTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string File(string name, string content = "")
    {
        var path = Path.Combine(_folder.Path, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void A_directory_package_is_model_onnx_plus_model_card_json()
    {
        File("pkg/model.onnx");
        var card = File("pkg/model.card.json", "{}");

        var package = ModelPackage.Locate(Path.Combine(_folder.Path, "pkg"));

        Assert.Equal(Path.Combine(_folder.Path, "pkg", "model.onnx"), package.OnnxPath);
        Assert.Equal(card, package.CardPath);
    }

    [Fact]
    public void An_onnx_file_prefers_its_own_stem_card_then_model_card_json_then_none()
    {
        var onnx = File("a/maskrcnn.onnx");
        Assert.Null(ModelPackage.Locate(onnx).CardPath);
        Assert.Equal("maskrcnn", ModelPackage.Locate(onnx).ReadCard().Name);

        var shared = File("a/model.card.json", "{}");
        Assert.Equal(shared, ModelPackage.Locate(onnx).CardPath);

        var own = File("a/maskrcnn.card.json", "{}");
        Assert.Equal(own, ModelPackage.Locate(onnx).CardPath);
    }

    [Fact]
    public void A_directory_without_model_onnx_is_a_clear_error()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "empty"));
        var error = Assert.Throws<FileNotFoundException>(() => ModelPackage.Locate(Path.Combine(_folder.Path, "empty")));
        Assert.Contains("has no model.onnx", error.Message);
    }

    [Fact]
    public void Reads_the_card_the_training_export_writes()
    {
        var path = File("model.card.json", """
            {
              "format": "cloudseg",
              "name": "cloudseg-resnet18",
              "version": "20261124.081500-step3000",
              "classes": ["background", "circle", "square"],
              "input": { "layout": "CHW", "color": "RGB", "range": [0, 1], "min_size": 320, "max_size": 320 },
              "score_threshold": 0.5,
              "mask_threshold": 0.4,
              "metrics": {
                "bbox": { "AP": 0.81, "AP50": 0.97, "AP75": 0.9, "APs": 0.6, "APm": 0.83, "APl": 0.9 },
                "segm_rescored": { "AP": 0.79 }
              },
              "training": { "data_digest": "sha256:5d41", "code_version": "bd677a4c", "date": "2026-11-24T08:15:00+00:00", "steps": 3000 }
            }
            """);

        var card = ModelCard.Read(path);

        Assert.Equal(ModelFormat.CloudSeg, ModelFormats.Parse(card.Format!));
        Assert.Equal("square", card.ClassName(2));
        Assert.Equal("class 7", card.ClassName(7));
        Assert.Equal(320, card.Input!.MinSize);
        Assert.Equal(0.4f, card.MaskThreshold);
        Assert.Equal(0.97, card.Metrics!.Bbox!.Ap50);
        Assert.Equal(0.79, card.Metrics.SegmRescored!.Ap);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 8, 15, 0, TimeSpan.Zero), card.Training!.Date);
        Assert.Equal(3000, card.Training.Extra!["steps"].GetInt32());

        var copy = Path.Combine(_folder.Path, "copy.card.json");
        card.Write(copy);
        var reread = ModelCard.Read(copy);
        Assert.Equal(card.Classes, reread.Classes);
        Assert.Equal(card.Metrics.Bbox, reread.Metrics!.Bbox);
        Assert.Equal(3000, reread.Training!.Extra!["steps"].GetInt32());
    }

    [Fact]
    public void A_card_that_is_not_json_is_a_clear_error()
    {
        var path = File("model.card.json", "{ not json");
        var error = Assert.Throws<InvalidDataException>(() => ModelCard.Read(path));
        Assert.Contains("not valid JSON", error.Message);
    }

    [Theory]
    [InlineData("person\nbicycle\ncar\n", new[] { "__background__", "person", "bicycle", "car" })]
    [InlineData("__background__\nperson\n\n", new[] { "__background__", "person" })]
    [InlineData("background\r\ncat\r\n", new[] { "background", "cat" })]
    public void Class_names_files_get_a_background_entry_when_they_start_with_label_1(string text, string[] expected)
    {
        Assert.Equal(expected, ClassNamesFile.Read(File("classes.txt", text)));
    }
}
