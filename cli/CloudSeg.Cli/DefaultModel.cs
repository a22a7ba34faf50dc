namespace CloudSeg.Cli;

/// <summary>The model commands use when none is given: the bundled <c>models/default</c>, else the small test model
/// <c>tests/fixtures/models/torchvision-tiny</c>, looked up from the working directory and from where the CLI was built.</summary>
public static class DefaultModel
{
    private static readonly string[] Candidates = [Path.Combine("models", "default"), Path.Combine("tests", "fixtures", "models", "torchvision-tiny")];

    public static string Resolve()
    {
        foreach (var candidate in Candidates)
            foreach (var root in SearchRoots())
                if (File.Exists(Path.Combine(root, candidate, "model.onnx")))
                    return Path.Combine(root, candidate);
        throw new FileNotFoundException("No --model given and neither models/default nor tests/fixtures/models/torchvision-tiny was found; pass --model PATH.");
    }

    private static IEnumerable<string> SearchRoots()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                yield return dir.FullName;
    }
}
