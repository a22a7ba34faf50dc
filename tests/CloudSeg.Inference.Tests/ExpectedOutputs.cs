using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudSeg.Inference.Tests;

/// <summary>expected.json written by tests/fixtures/models/make_fixtures.py: torchvision's eager outputs per image.</summary>
public sealed record ExpectedImage(
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("height")] int Height,
    [property: JsonPropertyName("instances")] IReadOnlyList<ExpectedInstance> Instances);

public sealed record ExpectedInstance(
    [property: JsonPropertyName("box")] float[] Box,
    [property: JsonPropertyName("label")] int Label,
    [property: JsonPropertyName("score")] float Score,
    [property: JsonPropertyName("mask_area")] long MaskArea,
    [property: JsonPropertyName("rle")] string Rle,
    [property: JsonPropertyName("mask_iou")] float? MaskIou);

public static class ExpectedOutputs
{
    public static IReadOnlyDictionary<string, ExpectedImage> Read(string modelFolder) =>
        JsonSerializer.Deserialize<Dictionary<string, ExpectedImage>>(File.ReadAllText(Path.Combine(modelFolder, "expected.json")))!;
}
