using System.Text.Json.Nodes;
using CloudSeg.Datasets.Shapes;

namespace CloudSeg.Datasets.Tests.Publishing;

/// <summary>A small valid shapes split on disk whose annotations a test can edit as JSON, to make it hostile.</summary>
public sealed class DatasetFolder : IDisposable
{
    private DatasetFolder(string root) => Root = root;

    public string Root { get; }

    /// <summary>The split folder (annotations.json + images/).</summary>
    public string Path => System.IO.Path.Combine(Root, "train");

    public string AnnotationsPath => System.IO.Path.Combine(Path, "annotations.json");

    public string ImagePath(string fileName) => System.IO.Path.Combine(Path, "images", fileName);

    public static async Task<DatasetFolder> CreateAsync(int images = 3, int seed = 7)
    {
        var folder = new DatasetFolder(Directory.CreateTempSubdirectory("cloudseg-dataset-").FullName);
        await new ShapesDatasetWriter(new ShapesOptions { ImageSize = 64, Seed = seed }).WriteAsync(folder.Root, [new ShapesSplit("train", images)]);
        return folder;
    }

    /// <summary>Rewrites annotations.json through <paramref name="edit"/>.</summary>
    public async Task EditAsync(Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(await File.ReadAllTextAsync(AnnotationsPath))!.AsObject();
        edit(json);
        await File.WriteAllTextAsync(AnnotationsPath, json.ToJsonString());
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
