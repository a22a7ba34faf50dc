using CloudSeg.Functions.Models;
using CloudSeg.Functions.Scanning;
using CloudSeg.Functions.Processing;
using CloudSeg.Functions.Telemetry;
using CloudSeg.Functions.Training;
using CloudSeg.Inference;
using CloudSeg.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions;

public static class FunctionsServiceCollectionExtensions
{
    /// <summary>
    /// Everything both hosts share: storage, options, the model provider + registry watcher, the functions, metrics and
    /// the model health check. Adapters add only their triggers.
    /// </summary>
    public static IServiceCollection AddCloudSegFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudSegStorage(configuration);
        services.AddOptions<FunctionsOptions>().Bind(configuration.GetSection(FunctionsOptions.SectionName))
            .Validate(o => o.DecodePixelBudget >= o.MaxPixels, "Functions:DecodePixelBudget must be at least Functions:MaxPixels.")
            .Validate(o => o.OverlayMaxSide >= 64, "Functions:OverlayMaxSide must be at least 64 pixels.")
            .ValidateOnStart();
        services.AddOptions<ModelHostingOptions>().Bind(configuration.GetSection(ModelHostingOptions.SectionName));
        services.AddOptions<TrainingOptions>().Bind(configuration.GetSection(TrainingOptions.SectionName));
        services.AddOptions<SegmenterOptions>().Bind(configuration.GetSection(SegmenterOptions.SectionName));

        services.AddMetrics();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<FunctionsMetrics>();
        services.AddSingleton<ModelProvider>();
        services.AddSingleton<ModelRegistryWatcher>();
        services.AddSingleton<SegmentImage>();
        services.AddSingleton<SegmentRequestHandler>();
        services.AddSingleton<PixelBudget>();
        services.AddSingleton<UploadsScanner>();
        services.AddSingleton<RetrainOnSchedule>();
        services.AddSingleton<LocalProcessTrainingLauncher>();
        services.AddContainerAppsJobLauncher();
        services.AddSingleton<ITrainingJobLauncher>(sp =>
            sp.GetRequiredService<IOptions<TrainingOptions>>().Value.Launcher.Equals("ContainerAppsJob", StringComparison.OrdinalIgnoreCase)
                ? sp.GetRequiredService<ContainerAppsJobLauncher>()
                : sp.GetRequiredService<LocalProcessTrainingLauncher>());

        services.AddHostedService<ModelWatcherService>();
        services.AddHostedService<QueueDepthSampler>();
        services.AddHostedService<IdleMemoryTrimmer>();
        services.AddHealthChecks().AddCheck<ModelLoadedHealthCheck>("model");
        return services;
    }
}
