using CloudSeg.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Retraining;

public static class RetrainingServiceCollectionExtensions
{
    /// <summary>The training job with its storage, options (section "Training", validated at start) and log tail.</summary>
    public static IServiceCollection AddTrainingJob(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCloudSegStorage(configuration);
        services.AddOptions<RetrainingOptions>().Bind(configuration.GetSection(RetrainingOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RetrainingOptions>, RetrainingOptionsValidation>();
        var tail = new LogTail();
        services.AddSingleton(tail);
        services.AddLogging(logging => logging.AddProvider(tail));
        services.AddSingleton<TrainingJob>();
        return services;
    }
}

/// <summary>Names the first bad setting, so a misconfigured job stops at start with the setting in its message.</summary>
internal sealed class RetrainingOptionsValidation : IValidateOptions<RetrainingOptions>
{
    public ValidateOptionsResult Validate(string? name, RetrainingOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
