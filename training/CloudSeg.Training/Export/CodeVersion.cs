using System.Diagnostics;

namespace CloudSeg.Training.Export;

/// <summary>The git commit of the code at hand, recorded in model cards ("unknown" outside a git checkout).</summary>
public static class CodeVersion
{
    /// <returns>The HEAD commit, suffixed "-dirty" when tracked files have uncommitted changes.</returns>
    public static async Task<string> OfRepositoryAsync(string directory, CancellationToken cancellationToken)
    {
        var commit = await GitAsync(directory, ["rev-parse", "HEAD"], cancellationToken);
        if (commit is null) return "unknown";
        var changes = await GitAsync(directory, ["status", "--porcelain", "--untracked-files=no"], cancellationToken);
        return string.IsNullOrEmpty(changes) ? commit : commit + "-dirty";
    }

    private static async Task<string?> GitAsync(string directory, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start);
            if (process is null) return null;
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;   // no git on this machine
        }
    }
}
