using System.Diagnostics;
using System.Globalization;
using CloudSeg.Functions.Models;
using CloudSeg.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Training;

/// <summary>
/// Local training: starts <see cref="TrainingOptions.LocalCommand"/> (<c>./cloudseg train-job --run-id {runId}</c>) as
/// a child process with this host's <c>Storage</c> and <c>Training</c> settings in its environment, its output in the
/// run folder's <c>train.log</c> and its exit code in <c>exit-code</c>, so the outcome survives the process object.
/// A job this host did not start (it restarted meanwhile) is reported running: the run's heartbeat then decides.
/// </summary>
public sealed partial class LocalProcessTrainingLauncher(
    IConfiguration configuration,
    IOptions<TrainingOptions> options,
    ILogger<LocalProcessTrainingLauncher> logger) : ITrainingJobLauncher
{
    private const int TailLines = 40;

    public Task<TrainingJobStart> StartAsync(TrainingRunEntity run, CancellationToken ct)
    {
        var folder = RunFolder(run.RunId);
        Directory.CreateDirectory(folder);
        var log = Path.Combine(folder, "train.log");
        var command = options.Value.LocalCommand
            .Replace("{runId}", Quote(run.RunId), StringComparison.Ordinal)
            .Replace("{log}", Quote(log), StringComparison.Ordinal);
        var psi = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = options.Value.LocalCommandDirectory ?? BundledModel.BuiltFromClone() ?? Environment.CurrentDirectory,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        // The job reads the same settings as this host: where storage is, and how to train and decide.
        foreach (var section in new[] { StorageOptions.SectionName, TrainingOptions.SectionName })
        {
            foreach (var (key, value) in configuration.GetSection(section).AsEnumerable())
            {
                if (value is not null) psi.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            }
        }
        psi.Environment["Training__WorkDirectory"] = Path.Combine(options.Value.WorkDirectory, "jobs");
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start: {command}");
        LogStarted(run.RunId, process.Id, command);
        _ = WatchAsync(process, log, Path.Combine(folder, "exit-code"));
        return Task.FromResult(new TrainingJobStart(process.Id.ToString(CultureInfo.InvariantCulture), log));
    }

    public async Task<TrainingJobState> GetStateAsync(TrainingRunEntity run, CancellationToken ct)
    {
        var folder = RunFolder(run.RunId);
        var exitFile = Path.Combine(folder, "exit-code");
        if (!File.Exists(exitFile)) return new TrainingJobState(TrainingJobStatus.Running);
        var code = int.Parse(await File.ReadAllTextAsync(exitFile, ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
        var tail = await TailAsync(Path.Combine(folder, "train.log"), ct).ConfigureAwait(false);
        return code == 0
            ? new TrainingJobState(TrainingJobStatus.Succeeded, LogTail: tail)
            : new TrainingJobState(TrainingJobStatus.Failed, $"The training job exited with code {code}{Signal(code)}.", tail);
    }

    private string RunFolder(string runId) => Path.Combine(options.Value.WorkDirectory, runId);

    // A shell reports a child killed by signal N as 128 + N.
    private static string Signal(int code) => code is > 128 and < 160 ? $" (killed by signal {code - 128})" : "";

    private static async Task<string?> TailAsync(string log, CancellationToken ct) =>
        File.Exists(log) ? string.Join('\n', (await File.ReadAllLinesAsync(log, ct).ConfigureAwait(false)).TakeLast(TailLines)) : null;

    private static async Task WatchAsync(Process process, string logPath, string exitFile)
    {
        using (process)
        await using (var log = new StreamWriter(logPath, append: true) { AutoFlush = true })
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
