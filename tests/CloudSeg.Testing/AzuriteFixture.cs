using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace CloudSeg.Testing;

/// <summary>
/// A private Azurite (blob, queue, table) for one test class: installed from <c>infra/azurite/package.json</c> when
/// missing, started on free loopback ports with its data in a temp folder, killed and deleted at the end.
/// Use as <c>IClassFixture&lt;AzuriteFixture&gt;</c>; <see cref="ConnectionString"/> reaches it.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account (public, documented; not a secret).</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private Process? _process;
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "cloudseg-azurite-" + Guid.NewGuid().ToString("N")[..12]);

    public int BlobPort { get; private set; }
    public int QueuePort { get; private set; }
    public int TablePort { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    public async Task InitializeAsync()
    {
        var script = await AzuriteInstaller.EnsureInstalledAsync();
        Directory.CreateDirectory(_dataFolder);
        // Free ports are picked, then handed to Azurite: another process may grab one in between, so retry.
        for (var attempt = 1; ; attempt++)
        {
            (BlobPort, QueuePort, TablePort) = (FreePort(), FreePort(), FreePort());
            _process = Start(script);
            try
            {
                await WaitUntilListeningAsync(_process);
                return;
            }
            catch (Exception) when (attempt < 3)
            {
                Kill();
            }
        }
    }

    public Task DisposeAsync()
    {
        Kill();
        try { Directory.Delete(_dataFolder, recursive: true); } catch (IOException) { /* Azurite may still flush; temp is cleaned by the OS */ }
        return Task.CompletedTask;
    }

    private Process Start(string script)
    {
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dataFolder,
        };
        foreach (var arg in new[]
                 {
                     script, "--location", _dataFolder,
                     "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(),
                     "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(),
                     "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(),
                     "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry",
                 })
        {
            psi.ArgumentList.Add(arg);
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        // Drain the pipes so Azurite never blocks on a full buffer.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilListeningAsync(Process process)
    {
        await Eventually.TrueAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} while starting.");
            return await AcceptsAsync(BlobPort) && await AcceptsAsync(QueuePort) && await AcceptsAsync(TablePort);
        }, "Azurite to listen", StartTimeout);
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Kill()
    {
        if (_process is null) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { /* already gone */ }
        _process.Dispose();
        _process = null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
