using System.Diagnostics;

namespace CloudSeg.Testing;

/// <summary>
/// Runs <c>npm ci</c> in <c>infra/azurite</c> once when Azurite is not installed. Several test processes may start at
/// once (functions and dashboard suites), so an exclusive lock file serialises the install across processes.
/// </summary>
internal static class AzuriteInstaller
{
    private static readonly SemaphoreSlim InProcess = new(1, 1);

    public static string ScriptPath => Path.Combine(RepoPaths.AzuriteFolder, "node_modules", "azurite", "dist", "src", "azurite.js");

    public static async Task<string> EnsureInstalledAsync()
    {
        if (File.Exists(ScriptPath)) return ScriptPath;
        await InProcess.WaitAsync();
        try
        {
            using var lockFile = await AcquireLockAsync(Path.Combine(RepoPaths.AzuriteFolder, ".install.lock"));
            if (File.Exists(ScriptPath)) return ScriptPath;
            var psi = new ProcessStartInfo("npm", "ci --no-audit --no-fund")
            {
                WorkingDirectory = RepoPaths.AzuriteFolder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var npm = Process.Start(psi) ?? throw new InvalidOperationException("npm could not be started.");
            var stderr = npm.StandardError.ReadToEndAsync();
            await npm.StandardOutput.ReadToEndAsync();
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0 || !File.Exists(ScriptPath))
                throw new InvalidOperationException($"npm ci in {RepoPaths.AzuriteFolder} failed ({npm.ExitCode}): {await stderr}");
            return ScriptPath;
        }
        finally
        {
            InProcess.Release();
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (deadline.Elapsed < TimeSpan.FromMinutes(5))
            {
                await Task.Delay(200); // another process is installing; its lock goes away when it finishes
            }
        }
    }
}
