using System.CommandLine;
using CloudSeg.LocalEnvironment;
using CloudSeg.Storage;
using Microsoft.Extensions.Configuration;

namespace CloudSeg.Cli;

/// <summary>
/// How the commands that talk to a running system (dataset, retrain, models) find its storage: --connection-string,
/// else the same <c>Storage</c> settings the hosts read (environment <c>Storage__ConnectionString</c>, or
/// <c>Storage__BlobServiceUri</c>/<c>QueueServiceUri</c>/<c>TableServiceUri</c> with managed identity or developer
/// sign-in), else the local Azurite of <c>cloudseg up</c>.
/// </summary>
public static class StorageConnection
{
    public static Option<string?> Option() => new("--connection-string")
    {
        Description = "Storage connection string (default: the Storage__* settings the hosts use, else the local Azurite of `cloudseg up`)",
    };

    public static CloudSegStorage Connect(string? connectionString)
    {
        var options = new StorageOptions();
        new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection(StorageOptions.SectionName).Bind(options);
        if (!string.IsNullOrWhiteSpace(connectionString)) options.ConnectionString = connectionString;
        else if (string.IsNullOrWhiteSpace(options.ConnectionString) && options.BlobServiceUri is null)
            options.ConnectionString = AzuriteServer.ConnectionStringFor(AzuritePorts.Default);
        return CloudSegStorage.Create(options);
    }

    /// <summary>Runs a command's work on the storage, turning "storage unreachable / refused" into one clear error line.</summary>
    public static async Task<int> RunAsync(string command, string? connectionString, Func<CloudSegStorage, Task<int>> work)
    {
        CloudSegStorage storage;
        try
        {
            storage = Connect(connectionString);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            CliTables.Error(command, e.Message);
            return 2;
        }
        try
        {
            return await work(storage);
        }
        catch (Azure.RequestFailedException e)
        {
            CliTables.Error(command, $"storage answered {e.Status}: {e.Message.Split('\n')[0]}");
            return 1;
        }
        catch (HttpRequestException e)
        {
            CliTables.Error(command, $"cannot reach storage ({e.Message}); is `cloudseg up` running?");
            return 1;
        }
        catch (Azure.Identity.AuthenticationFailedException e)
        {
            CliTables.Error(command, $"cannot sign in to storage: {e.Message.Split('\n')[0]}");
            return 1;
        }
    }
}
