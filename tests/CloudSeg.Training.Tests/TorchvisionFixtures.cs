using System.Text.Json;
using static TorchSharp.torch;

namespace CloudSeg.Training.Tests;

/// <summary>
/// Reads tests/fixtures/training/ops.json, written by make_ops_fixtures.py from torchvision 0.14's own ops.
/// Tensors are stored as {"shape": [...], "data": [...]}.
/// </summary>
static class TorchvisionFixtures
{
    static readonly Lazy<JsonDocument> Ops = new(() => JsonDocument.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "fixtures", "training", "ops.json"))));

    public static JsonElement Case(string name) => Ops.Value.RootElement.GetProperty(name);

    public static Tensor ReadTensor(this JsonElement element, string property) => ToTensor(element.GetProperty(property));

    public static Tensor ToTensor(JsonElement stored)
    {
        long[] shape = stored.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        float[] data = stored.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        return tensor(data).reshape(shape);
    }

    public static long[] ReadLongs(this JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(v => v.GetInt64()).ToArray();

    public static void AssertClose(Tensor expected, Tensor actual, double tolerance = 1e-4)
    {
        Assert.Equal(expected.shape, actual.shape);
        double maxError = (expected - actual).abs().max().item<float>();
        Assert.True(maxError <= tolerance, $"max |expected - actual| = {maxError} > {tolerance}");
    }
}
