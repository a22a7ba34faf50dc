using System.Text.Json.Nodes;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Infrastructure;

/// <summary>Pictures the tests upload: the model fixtures' synthetic shapes and the core fixtures' odd encodings.</summary>
public static class TestImages
{
    public static string ModelImage(string name) => Path.Combine(RepoPaths.Fixtures, "models", "images", name);

    public static string CoreFixture(string name) => Path.Combine(RepoPaths.Fixtures, "core", name);

    /// <summary>A 320×240 picture of shapes (what the tiny test model was made for).</summary>
    public static byte[] Shapes => File.ReadAllBytes(ModelImage("landscape_320x240.png"));

    public static byte[] SmallShapes => File.ReadAllBytes(ModelImage("flat_160x120.png"));

    /// <summary>The bundled test model (torchvision format).</summary>
    public static string TestModelDirectory => Path.Combine(RepoPaths.Fixtures, "models", "torchvision-tiny");

    /// <summary>The test model as a package in <paramref name="folder"/> whose card says <paramref name="version"/>.</summary>
    public static string CopyTestModel(string folder, string version)
    {
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(TestModelDirectory, ModelRegistry.OnnxFileName), Path.Combine(folder, ModelRegistry.OnnxFileName));
        var card = JsonNode.Parse(File.ReadAllText(Path.Combine(TestModelDirectory, ModelRegistry.CardFileName)))!;
        card["version"] = version;
        File.WriteAllText(Path.Combine(folder, ModelRegistry.CardFileName), card.ToJsonString());
        return folder;
    }
}
