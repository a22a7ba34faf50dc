using System.Diagnostics;
using CloudSeg.LocalEnvironment;

namespace CloudSeg.LocalEnvironment.Tests;

public sealed class ProcessRegistryTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cloudseg-run-").FullName;

    [Fact]
    public void A_remembered_process_is_found_again_and_stopped_with_its_pid_file()
    {
        var registry = new ProcessRegistry(_folder);
        var child = ChildProcess.Start(new ProcessStartInfo("sleep") { ArgumentList = { "300" } }, Path.Combine(_folder, "sleep.log"));
        registry.Remember("sleeper", child);

        var found = registry.Find("sleeper");
        Assert.NotNull(found);
        Assert.Equal(child.Id, found.Id);

        Assert.Equal(["sleeper"], registry.StopAll());
        Assert.True(child.WaitForExit(10_000));
        Assert.Null(registry.Find("sleeper"));
        Assert.Empty(Directory.GetFiles(_folder, "*.pid"));
    }

    [Fact]
    public void A_pid_file_of_a_process_that_ended_is_stale_and_removed()
    {
        var registry = new ProcessRegistry(_folder);
        var child = Process.Start(new ProcessStartInfo("true"))!;
        child.WaitForExit();
        File.WriteAllText(Path.Combine(_folder, "gone.pid"), $"{child.Id} {DateTime.UtcNow.Ticks}");

        Assert.Null(registry.Find("gone"));
        Assert.False(File.Exists(Path.Combine(_folder, "gone.pid")));
        Assert.Empty(registry.StopAll());
    }

    [Fact]
    public void A_child_with_a_log_file_writes_its_output_there()
    {
        var log = Path.Combine(_folder, "echo.log");
        var child = ChildProcess.Start(new ProcessStartInfo("echo") { ArgumentList = { "hello from the child" } }, log);
        Assert.True(child.WaitForExit(10_000));
        Assert.Equal("hello from the child", File.ReadAllText(log).Trim());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
