using System.Diagnostics;

namespace CloudSeg.LocalEnvironment;

/// <summary>
/// Remembers the processes `cloudseg up` started (one pid file each, with the process start time so a recycled pid is
/// never mistaken for ours), so `cloudseg down` or a second `up` can find them.
/// </summary>
public sealed class ProcessRegistry(string runFolder)
{
    public void Remember(string name, Process process)
    {
        Directory.CreateDirectory(runFolder);
        File.WriteAllText(PidFile(name), $"{process.Id} {process.StartTime.ToUniversalTime().Ticks}");
    }

    /// <summary>The recorded process if it is still the one we started, else null (and the stale file is removed).</summary>
    public Process? Find(string name)
    {
        var file = PidFile(name);
        if (!File.Exists(file)) return null;
        var parts = File.ReadAllText(file).Split(' ');
        try
        {
            var process = Process.GetProcessById(int.Parse(parts[0]));
            // .NET derives StartTime from the boot time it estimates per process, so allow a little drift.
            var recorded = new DateTime(long.Parse(parts[1]), DateTimeKind.Utc);
            if ((process.StartTime.ToUniversalTime() - recorded).Duration() < TimeSpan.FromSeconds(1)) return process;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            // Gone, or not a pid file of ours.
        }
        File.Delete(file);
        return null;
    }

    /// <summary>Stops every recorded process that still runs; returns the names stopped.</summary>
    public IReadOnlyList<string> StopAll()
    {
        if (!Directory.Exists(runFolder)) return [];
        var stopped = new List<string>();
        // Hosts first, storage last, so no host sees its storage vanish mid-request.
        foreach (var name in Directory.GetFiles(runFolder, "*.pid").Select(Path.GetFileNameWithoutExtension).OfType<string>()
                     .OrderBy(n => n == LocalSystem.AzuriteName))
        {
            var process = Find(name);
            if (process is not null)
            {
                ChildProcess.Stop(process);
                stopped.Add(name);
            }
            File.Delete(PidFile(name));
        }
        return stopped;
    }

    private string PidFile(string name) => Path.Combine(runFolder, name + ".pid");
}
