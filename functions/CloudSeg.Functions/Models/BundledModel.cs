using System.Reflection;

namespace CloudSeg.Functions.Models;

/// <summary>
/// Finds the model package shipped with the app, models/default (never a test fixture: a random-weights model must
/// not serve real uploads by accident; tests name theirs in Models:BundledModelDirectory). Looked for above the app
/// folder (a deployed app carries models/default), the working directory and the clone it was built from.
/// </summary>
public static class BundledModel
{
    private static readonly string Candidate = Path.Combine("models", "default");

    public static string Locate(ModelHostingOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.BundledModelDirectory))
        {
            if (!HasModel(options.BundledModelDirectory))
                throw new DirectoryNotFoundException($"Models:BundledModelDirectory '{options.BundledModelDirectory}' holds no model.onnx.");
            return Path.GetFullPath(options.BundledModelDirectory);
        }
        var starts = new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory(), BuiltFromClone() }.OfType<string>().ToArray();
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var path = Path.Combine(dir.FullName, Candidate);
                if (HasModel(path)) return path;
            }
        }
        throw new DirectoryNotFoundException(
            "No bundled model: set Models:BundledModelDirectory, or run from a clone that has models/default.");
    }

    /// <summary>The clone this build came from (development builds), or null for a published build.</summary>
    internal static string? BuiltFromClone() =>
        typeof(BundledModel).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepoRoot")?.Value;

    private static bool HasModel(string directory) => File.Exists(Path.Combine(directory, "model.onnx"));
}
