using System.Diagnostics;

namespace CloudSeg.LocalEnvironment;

/// <summary>
/// A running Azurite (blob, queue and table on 127.0.0.1). The v12 SDK sends a newer service version than Azurite
/// knows, hence <c>--skipApiVersionCheck</c>. Disposing stops the process; its data folder stays for the next run.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account (public, documented; not a secret).</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;

    private AzuriteServer(Process process, AzuritePorts ports)
    {
        _process = process;
        Ports = ports;
    }

    public AzuritePorts Ports { get; }

    public int ProcessId => _process.Id;

    public string ConnectionString => ConnectionStringFor(Ports);

    public static string ConnectionStringFor(AzuritePorts ports) =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{ports.Blob}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{ports.Queue}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{ports.Table}/{AccountName};";

    /// <summary>Installs Azurite if needed, starts it on <paramref name="ports"/> and returns once all three services accept connections.</summary>
    public static async Task<AzuriteServer> StartAsync(string repoRoot, string dataFolder, AzuritePorts ports,
        string? logFile = null, CancellationToken ct = default)
    {
        var script = await AzuriteInstaller.EnsureInstalledAsync(repoRoot, ct).ConfigureAwait(false);
        Directory.CreateDirectory(dataFolder);
        var psi = new ProcessStartInfo("node") { WorkingDirectory = dataFolder };
        foreach (var arg in new[]
                 {
                     script, "--location", dataFolder,
                     "--blobHost", "127.0.0.1", "--blobPort", ports.Blob.ToString(),
                     "--queueHost", "127.0.0.1", "--queuePort", ports.Queue.ToString(),
                     "--tableHost", "127.0.0.1", "--tablePort", ports.Table.ToString(),
                     "--skipApiVersionCheck", "--loose", "--disableTelemetry",
                 })
        {
            psi.ArgumentList.Add(arg);
        }
        var process = ChildProcess.Start(psi, logFile);
        var server = new AzuriteServer(process, ports);
        try
        {
            await server.WaitUntilListeningAsync(ct).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task WaitUntilListeningAsync(CancellationToken ct)
    {
        await Poll.UntilAsync(async () =>
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} while starting (ports {Ports} busy?).");
            return await Ports.AllAcceptAsync(ct).ConfigureAwait(false);
        }, "Azurite to listen", StartTimeout, ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        ChildProcess.Stop(_process);
        return ValueTask.CompletedTask;
    }
}
