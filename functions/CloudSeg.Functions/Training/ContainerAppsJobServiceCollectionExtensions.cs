using Azure.Core;
using Azure.Identity;
using CloudSeg.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Training;

public static class ContainerAppsJobServiceCollectionExtensions
{
    /// <summary>
    /// The Azure launcher and what it needs: validated <see cref="TrainingOptions"/> (at start-up), the ARM client,
    /// its <see cref="HttpClient"/> and its credential. The credential is DefaultAzureCredential with the configured
    /// user-assigned identity; a host that registers its own keyed <see cref="TokenCredential"/> first keeps it.
    /// </summary>
    public static IServiceCollection AddContainerAppsJobLauncher(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrainingOptions>, TrainingLauncherOptionsValidator>());
        services.AddOptions<TrainingOptions>().ValidateOnStart();
        services.AddHttpClient(ContainerAppsJobClient.HttpClientName);
        services.TryAddKeyedSingleton<TokenCredential>(ContainerAppsJobClient.CredentialKey, (sp, _) =>
        {
            var job = sp.GetRequiredService<IOptions<TrainingOptions>>().Value.ContainerAppsJob;
            var clientId = string.IsNullOrWhiteSpace(job.ManagedIdentityClientId)
                ? sp.GetRequiredService<IOptions<StorageOptions>>().Value.ManagedIdentityClientId
                : job.ManagedIdentityClientId;
            return new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        });
        services.AddSingleton<ContainerAppsJobClient>();
        services.AddSingleton<ContainerAppsJobLauncher>();
        return services;
    }
}
