using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using CloudSeg.LocalEnvironment;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>
/// One of the product's hosts run as a real process (<c>dotnet Host.dll --urls ...</c>) on a free loopback port,
/// its output kept for the failure message, killed with its process tree at the end.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private HostProcess(string name, Process process, Uri baseAddress)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
    }

    public string Name { get; }
    public Uri BaseAddress { get; }

    /// <summary>Every line the host printed that is still kept (the last 500).</summary>
    public IReadOnlyList<string> Output => _output.ToArray();

    /// <summary>The last lines the host printed (for assertion messages).</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _output.TakeLast(60));

    /// <summary>Starts host <paramref name="name"/> (as recorded by the project file) and waits until /health answers 200.</summary>
    public static async Task<HostProcess> StartAsync(string name, IReadOnlyDictionary<string, string> settings, TimeSpan startTimeout)
    {
        var dll = HostDll(name);
        var port = LoopbackPorts.Free();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        // Started as `cloudseg up` starts it: Production, content root = build output (its appsettings.json).
        var psi = HostLaunch.StartInfo(dll, "Production");
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        // Command-line settings win over appsettings.json and environment variables.
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        foreach (var (key, value) in settings) psi.ArgumentList.Add($"--{key}={value}");

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {name}.");
        var host = new HostProcess(name, process, baseAddress);
        process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await HostHealth.WaitUntilHealthyAsync(process, name, baseAddress.ToString(), startTimeout, () => host.RecentOutput);
        }
        catch (TimeoutException ex)
        {
            await host.DisposeAsync();
            throw new TimeoutException($"{ex.Message}\n{host.RecentOutput}", ex);
        }
        return host;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 500) _output.TryDequeue(out _);
    }

    private static string HostDll(string name)
    {
        var key = $"Host:{name}";
        var path = typeof(HostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
                   ?? throw new InvalidOperationException($"The test assembly does not record where host {name} is built.");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Host {name} is not built at {path}.", path);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }
}
