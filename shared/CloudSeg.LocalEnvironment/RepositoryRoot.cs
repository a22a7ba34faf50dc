namespace CloudSeg.LocalEnvironment;

/// <summary>Finds the CloudSeg checkout (the folder holding CloudSeg.sln) that a command runs in or was built from.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CloudSeg.sln"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("Run this inside a CloudSeg checkout: no CloudSeg.sln above the current folder.");
    }
}
