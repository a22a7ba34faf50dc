using System.Diagnostics;

namespace CloudSeg.LocalEnvironment;

/// <summary>Starts processes whose output goes to a log file (or is discarded) and stops them with their children.</summary>
public static class ChildProcess
{
    public static Process Start(ProcessStartInfo psi, string? logFile)
    {
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {psi.FileName}.");
        // Always drain both pipes: a child blocks forever once a pipe buffer fills. The log writer lives as long as
        // the child may still print, so it is left to the finalizer rather than closed on exit.
        var log = logFile is null ? null : TextWriter.Synchronized(new StreamWriter(logFile, append: true) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log?.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log?.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
