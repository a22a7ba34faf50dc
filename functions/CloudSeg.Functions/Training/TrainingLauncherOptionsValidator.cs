using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Training;

/// <summary>
/// Checks <c>Training:Launcher</c> and, when it is <c>ContainerAppsJob</c>, everything the ARM calls need, so a
/// misconfigured deployment fails at start-up with every problem listed instead of failing each run later.
/// </summary>
public sealed partial class TrainingLauncherOptionsValidator : IValidateOptions<TrainingOptions>
{
    public const string Local = "Local";
    public const string ContainerAppsJob = "ContainerAppsJob";

    public ValidateOptionsResult Validate(string? name, TrainingOptions options)
    {
        if (options.Launcher.Equals(Local, StringComparison.OrdinalIgnoreCase)) return ValidateOptionsResult.Success;
        if (!options.Launcher.Equals(ContainerAppsJob, StringComparison.OrdinalIgnoreCase))
            return ValidateOptionsResult.Fail($"Training:Launcher is '{options.Launcher}'; use '{Local}' or '{ContainerAppsJob}'.");

        const string section = "Training:ContainerAppsJob";
        var job = options.ContainerAppsJob;
        var problems = new List<string>();
        if (!Guid.TryParse(job.SubscriptionId, out _))
            problems.Add($"{section}:SubscriptionId must be the subscription's GUID (is '{job.SubscriptionId}').");
        if (string.IsNullOrWhiteSpace(job.ResourceGroup) || job.ResourceGroup.Length > 90 || !ArmName().IsMatch(job.ResourceGroup))
            problems.Add($"{section}:ResourceGroup must name the job's resource group (is '{job.ResourceGroup}').");
        if (string.IsNullOrWhiteSpace(job.JobName) || !ArmName().IsMatch(job.JobName))
            problems.Add($"{section}:JobName must name the training job (is '{job.JobName}').");
        if (string.IsNullOrWhiteSpace(job.ContainerName))
            problems.Add($"{section}:ContainerName must name the job's training container.");
        if (!ApiVersion().IsMatch(job.ApiVersion ?? ""))
            problems.Add($"{section}:ApiVersion must look like 2025-07-01 (is '{job.ApiVersion}').");
        if (job.ArmEndpoint is not { IsAbsoluteUri: true } endpoint || endpoint.Scheme != Uri.UriSchemeHttps)
            problems.Add($"{section}:ArmEndpoint must be an absolute https URL: a bearer token never travels in clear (is '{job.ArmEndpoint}').");
        if (string.IsNullOrWhiteSpace(job.TokenScope))
            problems.Add($"{section}:TokenScope must be set, e.g. https://management.azure.com/.default.");
        if (job.MaxRetries is < 0 or > 20)
            problems.Add($"{section}:MaxRetries must be 0..20 (is {job.MaxRetries}).");
        if (job.RetryDelay <= TimeSpan.Zero || job.MaxRetryDelay < job.RetryDelay)
            problems.Add($"{section}:RetryDelay must be positive and at most MaxRetryDelay.");
        if (job.StartTimeout <= TimeSpan.Zero || job.OperationPollInterval <= TimeSpan.Zero)
            problems.Add($"{section}:StartTimeout and OperationPollInterval must be positive.");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    // ARM's own pattern for resource group and job names.
    [GeneratedRegex(@"^[-\w\._\(\)]+$")]
    private static partial Regex ArmName();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(-preview)?$")]
    private static partial Regex ApiVersion();
}
