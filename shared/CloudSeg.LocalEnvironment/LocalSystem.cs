using System.Diagnostics;
using CloudSeg.Storage;
using Microsoft.Extensions.Logging;

namespace CloudSeg.LocalEnvironment;

/// <summary>
/// The whole product on one machine: Azurite, the functions local runner and the dashboard as child processes, with
/// the sample images uploaded and segmented. What `cloudseg up` and `cloudseg down` drive.
/// </summary>
public sealed class LocalSystem(LocalSystemOptions options, ILogger<LocalSystem> logger)
{
    public const string AzuriteName = "azurite";
    private static readonly HostProject Functions = new("functions", "functions/CloudSeg.Functions.LocalRunner/CloudSeg.Functions.LocalRunner.csproj");
    private static readonly HostProject Dashboard = new("dashboard", "dashboard/CloudSeg.Dashboard/CloudSeg.Dashboard.csproj");
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromMinutes(2);

    private readonly ProcessRegistry _processes = new(options.RunFolder);

    public string ConnectionString => AzuriteServer.ConnectionStringFor(options.AzuritePorts);

    /// <summary>True when a previous `up` left the system running (detached or in another terminal).</summary>
    public bool IsRunning => _processes.Find(AzuriteName) is not null;

    /// <summary>
    /// Builds the hosts, starts whatever is not running yet and waits until every host reports healthy.
    /// With <paramref name="fresh"/> the stored data is wiped first.
    /// </summary>
    public async Task StartAsync(bool fresh, CancellationToken ct)
    {
        if (fresh)
        {
            Stop();
            if (Directory.Exists(options.AzuriteDataFolder)) Directory.Delete(options.AzuriteDataFolder, recursive: true);
            logger.LogInformation("Wiped local storage in {Folder}", options.AzuriteDataFolder);
        }
        Directory.CreateDirectory(options.LogFolder);

        foreach (var host in new[] { Functions, Dashboard })
            await BuildAsync(host, ct).ConfigureAwait(false);

        if (_processes.Find(AzuriteName) is null)
        {
            var azurite = await AzuriteServer.StartAsync(options.RepoRoot, options.AzuriteDataFolder, options.AzuritePorts,
                LogFile(AzuriteName), ct).ConfigureAwait(false);
            _processes.Remember(AzuriteName, Process.GetProcessById(azurite.ProcessId));
            logger.LogInformation("Azurite listens on 127.0.0.1 ports {Ports}", options.AzuritePorts);
        }
        await StartHostAsync(Functions, options.FunctionsUrl, ct).ConfigureAwait(false);
        await StartHostAsync(Dashboard, options.DashboardUrl, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads every sample image not uploaded yet (each raises its BlobCreated event), asks again for samples segmented
    /// by another model than the registry's current one (after a model update), and waits until every sample is
    /// failed or segmented by the current model. Returns the final index rows.
    /// </summary>
    public async Task<IReadOnlyList<ImageIndexEntity>> ProcessSamplesAsync(CloudSegStorage storage, CancellationToken ct)
    {
        var samples = Directory.Exists(options.SamplesFolder)
            ? Directory.GetFiles(options.SamplesFolder).Where(f => ContentTypes.FromFileName(f) != "application/octet-stream").Order().ToList()
            : [];
        var currentModel = (await storage.Registry.GetCurrentAsync(ct).ConfigureAwait(false))?.Pointer.Version;
        bool Done(ImageIndexEntity row) => row.Status == ImageStatus.Failed
            || (row.Status == ImageStatus.Succeeded && (currentModel is null || row.ModelVersion == currentModel));
        foreach (var file in samples)
        {
            var name = Path.GetFileName(file);
            if (!await storage.UploadExistsAsync(name, ct).ConfigureAwait(false))
            {
                await using var content = File.OpenRead(file);
                await storage.UploadImageAsync(name, content, ct: ct).ConfigureAwait(false);
                logger.LogInformation("Uploaded sample {Blob}", name);
            }
            else if (await storage.GetImageAsync(name, ct).ConfigureAwait(false) is { Status: ImageStatus.Succeeded } row && !Done(row))
            {
                await storage.AnnounceCurrentAsync(name, ct).ConfigureAwait(false);
                logger.LogInformation("Sample {Blob} was segmented by {OldModel}; segmenting it again with {Model}", name, row.ModelVersion, currentModel);
            }
        }

        var rows = new Dictionary<string, ImageIndexEntity>();
        await Poll.UntilAsync(async () =>
        {
            foreach (var file in samples)
            {
                var row = await storage.GetImageAsync(Path.GetFileName(file), ct).ConfigureAwait(false);
                if (row is not null) rows[row.BlobName] = row;
            }
            return rows.Count == samples.Count && rows.Values.All(Done);
        }, $"{samples.Count} sample images to be segmented", options.SampleTimeout, ct).ConfigureAwait(false);
        return rows.Values.OrderBy(r => r.BlobName, StringComparer.Ordinal).ToList();
    }

    /// <summary>Stops every process a previous `up` started; the stored data stays.</summary>
    public IReadOnlyList<string> Stop() => _processes.StopAll();

    private async Task BuildAsync(HostProject host, CancellationToken ct)
    {
        logger.LogInformation("Building the {Host} host", host.Name);
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = options.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "build", host.ProjectPath, "-c", "Release", "-v", "q", "-nologo", "--artifacts-path", options.BuildFolder })
            psi.ArgumentList.Add(arg);
        using var build = Process.Start(psi) ?? throw new InvalidOperationException("dotnet could not be started.");
        var output = build.StandardOutput.ReadToEndAsync(ct);
        var errors = build.StandardError.ReadToEndAsync(ct);
        await build.WaitForExitAsync(ct).ConfigureAwait(false);
        if (build.ExitCode != 0)
            throw new InvalidOperationException($"Building {host.ProjectPath} failed:\n{await output.ConfigureAwait(false)}{await errors.ConfigureAwait(false)}");
    }

    private async Task StartHostAsync(HostProject host, string url, CancellationToken ct)
    {
        var process = _processes.Find(host.Name);
        if (process is null)
        {
            var psi = HostLaunch.StartInfo(Path.Combine(options.BuildFolder, "bin", host.AssemblyName, "release", host.AssemblyName + ".dll"),
                options.HostEnvironment);
            psi.Environment["Urls"] = url;
            psi.Environment["Storage__ConnectionString"] = ConnectionString;
            process = ChildProcess.Start(psi, LogFile(host.Name));
            _processes.Remember(host.Name, process);
        }
        await HostHealth.WaitUntilHealthyAsync(process, host.Name, url, HealthTimeout, () => $"See {LogFile(host.Name)}.", ct).ConfigureAwait(false);
        logger.LogInformation("The {Host} host is healthy at {Url} ({Environment})", host.Name, url, options.HostEnvironment);
    }

    private string LogFile(string name) => Path.Combine(options.LogFolder, name + ".log");

    private sealed record HostProject(string Name, string ProjectPath)
    {
        public string AssemblyName => Path.GetFileNameWithoutExtension(ProjectPath);
    }
}
