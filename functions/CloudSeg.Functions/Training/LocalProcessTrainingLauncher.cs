using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CloudSeg.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Training;

/// <summary>
/// Local training: downloads <c>datasets/</c> into the run's folder and starts <see cref="TrainingOptions.LocalCommand"/>
/// as a child process writing to <c>train.log</c>; its exit code lands in <c>exit-code</c> so the outcome survives
/// the process object.
/// </summary>
public sealed partial class LocalProcessTrainingLauncher(
    CloudSegStorage storage,
    IOptions<TrainingOptions> options,
    ILogger<LocalProcessTrainingLauncher> logger) : ITrainingJobLauncher
{
    private readonly ConcurrentDictionary<string, Task> _running = new();

    public async Task<TrainingJobStart> StartAsync(TrainingRunEntity run, CancellationToken ct)
    {
        var folder = RunFolder(run.RunId);
        var data = Path.Combine(folder, "data");
        var output = Path.Combine(folder, "output");
        var log = Path.Combine(folder, "train.log");
        Directory.CreateDirectory(output);
        await DownloadDatasetsAsync(data, ct).ConfigureAwait(false);

        var command = options.Value.LocalCommand
            .Replace("{data}", Quote(data), StringComparison.Ordinal)
            .Replace("{output}", Quote(output), StringComparison.Ordinal)
            .Replace("{runId}", Quote(run.RunId), StringComparison.Ordinal)
            .Replace("{log}", Quote(log), StringComparison.Ordinal);
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start: {command}");
        LogStarted(run.RunId, process.Id, command);
        _running[run.RunId] = WatchAsync(process, log, Path.Combine(folder, "exit-code"));
        return new TrainingJobStart(process.Id.ToString(CultureInfo.InvariantCulture), log);
    }

    public Task<TrainingJobState> GetStateAsync(TrainingRunEntity run, CancellationToken ct)
    {
        var folder = RunFolder(run.RunId);
        var exitFile = Path.Combine(folder, "exit-code");
        if (File.Exists(exitFile))
        {
            var code = int.Parse(File.ReadAllText(exitFile).Trim(), CultureInfo.InvariantCulture);
            return Task.FromResult(code == 0
                ? new TrainingJobState(TrainingJobStatus.Succeeded, PackageFolder(Path.Combine(folder, "output")))
                : new TrainingJobState(TrainingJobStatus.Failed, Error: $"Training exited with code {code}; log: {Path.Combine(folder, "train.log")}"));
        }
        return Task.FromResult(_running.ContainsKey(run.RunId)
            ? new TrainingJobState(TrainingJobStatus.Running)
            : new TrainingJobState(TrainingJobStatus.Failed, Error: "The training process was lost (the host restarted while it ran)."));
    }

    private string RunFolder(string runId) => Path.Combine(options.Value.WorkDirectory, runId);

    // `cloudseg train --out` puts the exported package in model/; a bare script may write it straight into {output}.
    private static string PackageFolder(string output) =>
        File.Exists(Path.Combine(output, ModelRegistry.OnnxFileName)) ? output : Path.Combine(output, "model");

    private async Task DownloadDatasetsAsync(string target, CancellationToken ct)
    {
        Directory.CreateDirectory(target);
        var root = Path.GetFullPath(target) + Path.DirectorySeparatorChar;
        await foreach (var item in storage.Datasets.GetBlobsAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            var path = Path.GetFullPath(Path.Combine(target, item.Name));
            if (!path.StartsWith(root, StringComparison.Ordinal))
            {
                logger.LogWarning("Skipping dataset blob {BlobName}: its name leaves the data folder", item.Name);
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await storage.Datasets.GetBlobClient(item.Name).DownloadToAsync(path, ct).ConfigureAwait(false);
        }
    }

    private static async Task WatchAsync(Process process, string logPath, string exitFile)
    {
        using (process)
        await using (var log = new StreamWriter(logPath, append: true))
        {
            var stdout = PumpAsync(process.StandardOutput, log);
            var stderr = PumpAsync(process.StandardError, log);
            await Task.WhenAll(stdout, stderr, process.WaitForExitAsync()).ConfigureAwait(false);
            // Written beside and renamed into place: a poll must never see the file created but still empty.
            var partial = exitFile + ".partial";
            await File.WriteAllTextAsync(partial, process.ExitCode.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            File.Move(partial, exitFile, overwrite: true);
        }
    }

    private static async Task PumpAsync(StreamReader reader, StreamWriter log)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (log) log.WriteLine(line);
        }
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [LoggerMessage(Level = LogLevel.Information, Message = "Training run {RunId} started as process {ProcessId}: {Command}")]
    private partial void LogStarted(string runId, int processId, string command);
}
