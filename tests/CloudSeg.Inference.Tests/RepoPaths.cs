using System.Reflection;

namespace CloudSeg.Tests;

/// <summary>Finds committed fixtures. The repository root is stamped into the test assembly at build time
/// (AssemblyMetadata "RepoRoot"), because artifacts may be built anywhere.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string ModelFixtures => Path.Combine(Root, "tests", "fixtures", "models");

    public static string FixtureModel(string name) => Path.Combine(ModelFixtures, name);

    public static string FixtureImage(string stem) => Path.Combine(ModelFixtures, "images", stem + ".png");

    private static string FindRoot()
    {
        var stamped = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        if (stamped is not null && File.Exists(Path.Combine(stamped, "CloudSeg.sln")))
            return Path.GetFullPath(stamped);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CloudSeg.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"Cannot find the repository root (CloudSeg.sln); stamped root was '{stamped}'.");
    }
}
