using CloudSeg.Evaluation.Coco;
using CloudSeg.Evaluation.Metrics;
using CloudSeg.Evaluation.Results;

namespace CloudSeg.Evaluation.Tests;

public sealed class DetectionResultsLoaderTests : IDisposable
{
    private const string Detection = """{"image_id": 0, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.5, "segmentation": {"size": [10, 10], "counts": "0:0"}}""";
    private readonly string root = Directory.CreateTempSubdirectory("cloudseg-results-").FullName;

    private static readonly CocoDataset GroundTruth = new()
    {
        Images =
        [
            new CocoImage { Id = 11, FileName = "cat.jpg", Width = 10, Height = 10 },
            new CocoImage { Id = 12, FileName = "sub/dog.png", Width = 10, Height = 10 },
        ],
        Categories = [new CocoCategory { Id = 1, Name = "thing" }],
    };

    [Fact]
    public async Task A_results_file_is_read_as_is()
    {
        var file = Path.Combine(root, "results.json");
        await File.WriteAllTextAsync(file, $"[{Detection.Replace("\"image_id\": 0", "\"image_id\": 12")}]");

        var loaded = await DetectionResultsLoader.LoadAsync(file, GroundTruth);

        Assert.Equal(12, Assert.Single(loaded.Results).ImageId);
        Assert.Equal(1, loaded.FileCount);
    }

    [Fact]
    public async Task Per_image_files_are_matched_to_images_by_file_name_stem()
    {
        await File.WriteAllTextAsync(Path.Combine(root, "cat.json"), $"[{Detection}, {Detection}]");
        await File.WriteAllTextAsync(Path.Combine(root, "dog.json"), $$"""{"image": "dog.png", "instances": [{{Detection}}]}""");
        await File.WriteAllTextAsync(Path.Combine(root, "other.json"), $"[{Detection.Replace("\"image_id\": 0", "\"image_id\": 11")}]");
        await File.WriteAllTextAsync(Path.Combine(root, "notes.txt"), "not results");

        var loaded = await DetectionResultsLoader.LoadAsync(root, GroundTruth);

        Assert.Equal([11L, 11, 12, 11], loaded.Results.Select(r => r.ImageId));
        Assert.Equal([Path.Combine(root, "other.json")], loaded.UnmatchedFiles);
        Assert.Equal(3, loaded.FileCount);
        // Matched results evaluate against the right image (an unknown image would throw).
        Assert.Single(EvaluationReport.Evaluate(GroundTruth, loaded.Results, [IouType.Bbox]).Columns);
    }

    [Fact]
    public async Task A_downloaded_results_container_is_matched_by_folder_and_source_blob()
    {
        // The functions' layout: results/<blob path>/result.json, instances without image ids.
        var instance = Detection.Replace("\"image_id\": 0, ", "");
        Directory.CreateDirectory(Path.Combine(root, "cat.jpg"));
        Directory.CreateDirectory(Path.Combine(root, "uploads", "x"));
        await File.WriteAllTextAsync(Path.Combine(root, "cat.jpg", "result.json"), $$"""{"schema": "cloudseg.result/1", "instances": [{{instance}}]}""");
        await File.WriteAllTextAsync(Path.Combine(root, "uploads", "x", "result.json"),
            $$"""{"source": {"container": "uploads", "blob": "batch/dog.png"}, "instances": [{{instance}}, {{instance}}]}""");

        var loaded = await DetectionResultsLoader.LoadAsync(root, GroundTruth);

        Assert.Equal([11L, 12, 12], loaded.Results.Select(r => r.ImageId));
        Assert.Empty(loaded.UnmatchedFiles);
    }

    [Fact]
    public async Task Results_of_an_unknown_picture_without_image_ids_are_an_error()
    {
        var instance = Detection.Replace("\"image_id\": 0, ", "");
        await File.WriteAllTextAsync(Path.Combine(root, "bird.json"), $$"""{"instances": [{{instance}}]}""");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => DetectionResultsLoader.LoadAsync(root, GroundTruth));

        Assert.Contains("bird", error.Message);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"something": 1}""")]
    [InlineData("""[{"image_id": 1}]""")]
    public async Task Malformed_files_are_reported_by_name(string content)
    {
        await File.WriteAllTextAsync(Path.Combine(root, "cat.json"), content);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => DetectionResultsLoader.LoadAsync(root, GroundTruth));

        Assert.Contains("cat.json", error.Message);
    }

    [Fact]
    public async Task A_missing_path_is_reported()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(() => DetectionResultsLoader.LoadAsync(Path.Combine(root, "nope"), GroundTruth));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
