using System.Diagnostics;
using System.Globalization;
using CloudSeg.LocalEnvironment;

namespace CloudSeg.Functions.LocalRunner;

/// <summary>
/// This host as a child process (for the restart tests and the load/fault benchmark): settings become environment
/// variables ("A:B" → "A__B"), output goes to a log file, and <see cref="Kill"/> ends it abruptly like a crash.
/// </summary>
public sealed class LocalRunnerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private LocalRunnerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static LocalRunnerProcess Start(IReadOnlyDictionary<string, string?> settings, string? logFile = null)
    {
        var port = LoopbackPorts.Free();
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(typeof(LocalRunnerEntryPoint).Assembly.Location);
        foreach (var (key, value) in settings) psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        psi.Environment["Urls"] = $"http://127.0.0.1:{port}";
        return new LocalRunnerProcess(ChildProcess.Start(psi, logFile), port);
    }

    /// <summary>Waits until /health answers 200 (model loaded, storage reachable).</summary>
    public Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct = default) =>
        HostHealth.WaitUntilHealthyAsync(_process, "local runner", $"http://127.0.0.1:{Port}", timeout, ct: ct);

    /// <summary>Peak resident memory so far (VmHWM from /proc), or null when the process is gone or not on Linux.</summary>
    public long? PeakResidentBytes() => StatusBytes("VmHWM:");

    /// <summary>Resident memory now (VmRSS from /proc), or null when the process is gone or not on Linux.</summary>
    public long? ResidentBytes() => StatusBytes("VmRSS:");

    private long? StatusBytes(string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return kb is null ? null : long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Ends the process at once (SIGKILL), as a crash or an evicted container would.</summary>
    public void Kill() => ChildProcess.Stop(_process);

    public ValueTask DisposeAsync()
    {
        ChildProcess.Stop(_process);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
