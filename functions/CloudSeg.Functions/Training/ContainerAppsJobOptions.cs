namespace CloudSeg.Functions.Training;

/// <summary>
/// Which Container Apps Job trains in Azure and how ARM is reached (section <c>Training:ContainerAppsJob</c>). The job
/// reads datasets/, writes models/&lt;run id&gt;/ and its run row itself; the functions only start and watch it.
/// </summary>
public sealed class ContainerAppsJobOptions
{
    public string? SubscriptionId { get; set; }
    public string? ResourceGroup { get; set; }
    public string? JobName { get; set; }

    /// <summary>The job's container that trains: the name in infra/modules/training-job.bicep.</summary>
    public string ContainerName { get; set; } = "training";

    /// <summary>
    /// Microsoft.App REST API version: the newest GA version the Bicep types cover, the same one
    /// infra/modules/training-job.bicep deploys the job with.
    /// </summary>
    public string ApiVersion { get; set; } = "2025-07-01";

    /// <summary>Azure Resource Manager; another cloud's (or a test's) endpoint when overridden.</summary>
    public Uri ArmEndpoint { get; set; } = new("https://management.azure.com");

    /// <summary>Scope of the token asked for; follows the cloud, not <see cref="ArmEndpoint"/> (a proxy keeps ARM's audience).</summary>
    public string TokenScope { get; set; } = "https://management.azure.com/.default";

    /// <summary>Client id of the user-assigned identity that may start the job; empty = <c>Storage:ManagedIdentityClientId</c>.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Retries of one ARM call answered 408/429/5xx or not answered at all (Retry-After is honoured).</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>First back-off between retries (exponential, with jitter) when ARM sends no Retry-After.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest back-off between retries when ARM sends no Retry-After.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a start answered 202 (an ARM async operation) may take to name its execution.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Wait between polls of a start's async operation when ARM sends no Retry-After.</summary>
    public TimeSpan OperationPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
