using System.Diagnostics;
using System.Globalization;

namespace CloudSeg.Functions.Tests.Training;

/// <summary>Kills a process the test started (through the launcher) and every process below it, by id.</summary>
internal static class ProcessTree
{
    public static void Kill(int pid)
    {
        foreach (var child in Children(pid)) Kill(child);
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    private static IEnumerable<int> Children(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks)) return [];
        return Directory.GetDirectories(tasks)
            .Select(task => Path.Combine(task, "children"))
            .Where(File.Exists)
            .SelectMany(file => File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(id => int.Parse(id, CultureInfo.InvariantCulture))
            .ToList();
    }
}
