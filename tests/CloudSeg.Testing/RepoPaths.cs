using System.Reflection;

namespace CloudSeg.Testing;

/// <summary>Locates the repository: the clone the tests were built from, else a folder above the test binaries.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The folder holding CloudSeg.sln.</summary>
    public static string Root => RootLazy.Value;

    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    public static string AzuriteFolder => Path.Combine(Root, "infra", "azurite");

    /// <summary>The bundled default model when training has shipped it, else the tiny torchvision test model.</summary>
    public static string DefaultModelDirectory =>
        File.Exists(Path.Combine(Root, "models", "default", "model.onnx"))
            ? Path.Combine(Root, "models", "default")
            : Path.Combine(Fixtures, "models", "torchvision-tiny");

    private static string FindRoot()
    {
        var baked = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (baked is not null && File.Exists(Path.Combine(baked, "CloudSeg.sln"))) return Path.GetFullPath(baked);
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CloudSeg.sln"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException($"CloudSeg.sln not found above {AppContext.BaseDirectory}.");
    }
}
