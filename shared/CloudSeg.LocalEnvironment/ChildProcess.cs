using System.Diagnostics;

namespace CloudSeg.LocalEnvironment;

/// <summary>Starts processes whose output goes to a log file (or is discarded) and stops them with their children.</summary>
public static class ChildProcess
{
    /// <summary>
    /// With a <paramref name="logFile"/> the shell redirects the child's output straight into the file, so the child
    /// keeps running (and logging) after this process exits — what a detached `cloudseg up` needs. Without one, the
    /// output is read and dropped here: a child blocks forever once an undrained pipe fills.
    /// </summary>
    public static Process Start(ProcessStartInfo psi, string? logFile)
    {
        psi.UseShellExecute = false;
        if (logFile is not null)
        {
            var program = psi.FileName;
            var args = psi.ArgumentList.ToList();
            psi.ArgumentList.Clear();
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$CLOUDSEG_LOG_FILE\" 2>&1 </dev/null");
            psi.ArgumentList.Add(program);
            foreach (var arg in args) psi.ArgumentList.Add(arg);
            psi.FileName = "/bin/sh";
            psi.Environment["CLOUDSEG_LOG_FILE"] = logFile;
            return Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {program}.");
        }

        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {psi.FileName}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
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
