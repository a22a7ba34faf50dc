using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CloudSeg.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Binds <see cref="StorageOptions"/> from section "Storage" and registers one <see cref="CloudSegStorage"/>.</summary>
    public static IServiceCollection AddCloudSegStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        services.AddSingleton(sp => CloudSegStorage.Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        return services;
    }
}
