using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CloudSeg.Functions.Models;

/// <summary>/health is unhealthy until a model is loaded: a host without a model only fills its queue's retry counts.</summary>
public sealed class ModelLoadedHealthCheck(ModelProvider provider) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(provider.CurrentVersion is { } version
            ? HealthCheckResult.Healthy($"Serving model {version}")
            : HealthCheckResult.Unhealthy("No model loaded yet"));
}
