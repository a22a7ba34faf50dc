using System.Text.Json;

namespace CloudSeg.Core.Tests;

/// <summary>Reads the committed reference fixtures copied beside the test assembly.</summary>
internal static class Fixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "core", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static JsonElement Json(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(PathOf(name)));
        return document.RootElement.Clone();
    }

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    public static uint[] Counts(JsonElement array) => array.EnumerateArray().Select(e => e.GetUInt32()).ToArray();
}
