using System.CommandLine;
using CloudSeg.LocalEnvironment;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary>`cloudseg down`: stops what `cloudseg up --detach` left running; the stored data stays for the next `up`.</summary>
public static class DownCommand
{
    public static Command Create()
    {
        var command = new Command("down", "Stop the local system started by `cloudseg up`, keeping its data");
        command.SetAction(_ =>
        {
            var options = new LocalSystemOptions(RepositoryRoot.Find());
            var stopped = new LocalSystem(options, NullLogger<LocalSystem>.Instance).Stop();
            AnsiConsole.MarkupLineInterpolated(stopped.Count == 0
                ? (FormattableString)$"Nothing was running."
                : $"Stopped {string.Join(", ", stopped)}; data kept in {options.StateFolder}.");
            return 0;
        });
        return command;
    }
}
