using Spectre.Console;

namespace CloudSeg.Cli.Tests;

/// <summary>Runs the real <c>cloudseg</c> root command in-process and captures what it prints. Spectre.Console writes to
/// one process-wide console, so runs are serialised.</summary>
public static class CliRunner
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        await OneAtATime.WaitAsync();
        var previous = AnsiConsole.Console;
        var output = new StringWriter();
        try
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(output),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
            });
            // Wide enough that no line the tests look for is wrapped.
            console.Profile.Width = 250;
            AnsiConsole.Console = console;
            var exitCode = await Program.CreateRootCommand().Parse(args).InvokeAsync();
            return (exitCode, output.ToString());
        }
        finally
        {
            AnsiConsole.Console = previous;
            OneAtATime.Release();
        }
    }
}
