using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Inference;

public static class SegmenterServiceCollectionExtensions
{
    /// <summary>Binds <see cref="SegmenterOptions"/> from the "Segmenter" section and registers one shared
    /// <see cref="InstanceSegmenter"/>, loaded on first use from <see cref="SegmenterOptions.ModelPath"/>.</summary>
    public static IServiceCollection AddInstanceSegmenter(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SegmenterOptions>(configuration.GetSection(SegmenterOptions.SectionName));
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<SegmenterOptions>>().Value;
            if (string.IsNullOrWhiteSpace(options.ModelPath))
                throw new InvalidOperationException($"Set {SegmenterOptions.SectionName}:{nameof(SegmenterOptions.ModelPath)} to a model package.");
            return InstanceSegmenter.Load(options.ModelPath, options, provider.GetRequiredService<ILoggerFactory>().CreateLogger<InstanceSegmenter>());
        });
        return services;
    }
}
