using System.CommandLine;
using CloudSeg.Retraining;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Cli.Commands;

/// <summary>
/// <c>cloudseg train-job --run-id ID [--work DIR]</c>: runs one training run of the trainingruns table to its decision
/// (see <see cref="TrainingJob"/>) — what the local launcher starts and the Azure training image's entry point.
/// Storage and training settings come from configuration like the other hosts (Storage__ConnectionString locally,
/// Storage__*ServiceUri + Storage__ManagedIdentityClientId in Azure; Training__*); the run id also from CLOUDSEG_RUN_ID.
/// Exit 0: the run succeeded (promoted or kept); 1: it failed (the row says why); 2: no such run, or bad settings.
/// </summary>
public static class TrainJobCommand
{
    public const string RunIdVariable = "CLOUDSEG_RUN_ID";

    public static Command Create()
    {
        var runId = new Option<string?>("--run-id") { Description = $"The run to execute (default: ${RunIdVariable})" };
        var work = new Option<DirectoryInfo?>("--work") { Description = "Work folder for data, models and output (default: Training:WorkDirectory/<run id>)" };
        var command = new Command("train-job", "Run one requested training run: train, check, score against the current model, register, promote or keep")
        {
            runId, work,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(runId) ?? Environment.GetEnvironmentVariable(RunIdVariable);
            if (string.IsNullOrWhiteSpace(id))
            {
                Console.Error.WriteLine($"Error: give --run-id or set {RunIdVariable}.");
                return 2;
            }
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = AppContext.BaseDirectory });
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat) = (true, "HH:mm:ss "));
            builder.Services.AddTrainingJob(builder.Configuration);
            using var host = builder.Build();
            try
            {
                _ = host.Services.GetRequiredService<IOptions<RetrainingOptions>>().Value;
            }
            catch (OptionsValidationException e)
            {
                Console.Error.WriteLine($"Error: {e.Message}");
                return 2;
            }
            return await host.Services.GetRequiredService<TrainingJob>().RunAsync(id, parse.GetValue(work)?.FullName, cancellationToken);
        });
        return command;
    }
}
