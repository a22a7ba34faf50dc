using System.Diagnostics;

namespace CloudSeg.LocalEnvironment;

/// <summary>
/// Runs <c>npm ci</c> in <c>infra/azurite</c> once when Azurite is not installed. Several processes may start at once
/// (test suites, `cloudseg up`), so an exclusive lock file serialises the install across processes.
/// </summary>
public static class AzuriteInstaller
{
    private static readonly SemaphoreSlim InProcess = new(1, 1);

    public static string ScriptPath(string repoRoot) =>
        Path.Combine(Folder(repoRoot), "node_modules", "azurite", "dist", "src", "azurite.js");

    private static string Folder(string repoRoot) => Path.Combine(repoRoot, "infra", "azurite");

    public static async Task<string> EnsureInstalledAsync(string repoRoot, CancellationToken ct = default)
    {
        var script = ScriptPath(repoRoot);
        if (File.Exists(script)) return script;
        await InProcess.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await using var lockFile = await AcquireLockAsync(Path.Combine(Folder(repoRoot), ".install.lock"), ct).ConfigureAwait(false);
            if (File.Exists(script)) return script;
            var psi = new ProcessStartInfo("npm", "ci --no-audit --no-fund")
            {
                WorkingDirectory = Folder(repoRoot),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var npm = Process.Start(psi) ?? throw new InvalidOperationException("npm could not be started: is Node.js installed?");
            var stderr = npm.StandardError.ReadToEndAsync(ct);
            await npm.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false);
            await npm.WaitForExitAsync(ct).ConfigureAwait(false);
            if (npm.ExitCode != 0 || !File.Exists(script))
                throw new InvalidOperationException($"npm ci in {Folder(repoRoot)} failed ({npm.ExitCode}): {await stderr.ConfigureAwait(false)}");
            return script;
        }
        finally
        {
            InProcess.Release();
        }
    }

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (waited.Elapsed < TimeSpan.FromMinutes(5))
            {
                // Another process holds the lock while it installs; there is no cross-process signal to await.
                await Task.Delay(200, ct).ConfigureAwait(false);
            }
        }
    }
}
