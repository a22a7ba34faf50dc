using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Azure.Core;
using CloudSeg.Functions.Training;
using CloudSeg.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudSeg.Functions.Tests.Training;

/// <summary>
/// The functions' services configured as in Azure (Training:Launcher = ContainerAppsJob) against a <see cref="FakeArm"/>
/// that serves the job as infra/modules/training-job.bicep defines it. Two settings differ from production, both
/// through the product's own extension points: the ARM credential (a keyed <see cref="TokenCredential"/> giving a
/// fixed token) and the named HttpClient, which trusts the fake's test certificate. Every call is real HTTPS.
/// </summary>
internal sealed class ArmLauncherHarness : IAsyncDisposable
{
    public const string ClientId = "5d1e2f3a-7b6c-4d5e-8f90-a1b2c3d4e5f6";
    public const int MaxRetries = 3;

    private readonly ServiceProvider _services;

    private ArmLauncherHarness(FakeArm arm, TrainingJobBicep bicep, ServiceProvider services)
    {
        Arm = arm;
        Bicep = bicep;
        _services = services;
    }

    public FakeArm Arm { get; }

    public TrainingJobBicep Bicep { get; }

    public RecordingCredential Credential { get; } = new();

    public IServiceProvider Services => _services;

    public ITrainingJobLauncher Launcher => _services.GetRequiredService<ITrainingJobLauncher>();

    /// <param name="productCredential">Keep the product's DefaultAzureCredential (the caller points it at <see cref="FakeArm.IdentityEndpoint"/>).</param>
    public static async Task<ArmLauncherHarness> StartAsync(
        string? storageConnectionString = null, Action<Dictionary<string, string?>>? configure = null, bool productCredential = false)
    {
        var bicep = TrainingJobBicep.Read();
        var arm = await FakeArm.StartAsync(JobResource(bicep));
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = storageConnectionString,
            ["Training:Launcher"] = "ContainerAppsJob",
            ["Training:ContainerAppsJob:SubscriptionId"] = FakeArm.SubscriptionId,
            ["Training:ContainerAppsJob:ResourceGroup"] = FakeArm.ResourceGroup,
            ["Training:ContainerAppsJob:JobName"] = FakeArm.JobName,
            ["Training:ContainerAppsJob:ArmEndpoint"] = arm.Endpoint.ToString(),
            ["Training:ContainerAppsJob:ManagedIdentityClientId"] = ClientId,
            ["Training:ContainerAppsJob:MaxRetries"] = MaxRetries.ToString(),
            ["Training:ContainerAppsJob:RetryDelay"] = "00:00:00.050",
            ["Training:ContainerAppsJob:MaxRetryDelay"] = "00:00:00.200",
            ["Training:ContainerAppsJob:OperationPollInterval"] = "00:00:00.050",
            ["Training:WorkDirectory"] = Path.Combine(Path.GetTempPath(), "cloudseg-arm-" + Guid.NewGuid().ToString("N")[..8]),
        };
        configure?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var harness = default(ArmLauncherHarness);
        var services = new ServiceCollection()
            .AddLogging()
            .AddCloudSegFunctions(configuration);
        if (!productCredential) services.AddKeyedSingleton<TokenCredential>(ContainerAppsJobClient.CredentialKey, (_, _) => harness!.Credential);
        services.AddHttpClient(ContainerAppsJobClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == arm.Certificate.Thumbprint,
        });
        harness = new ArmLauncherHarness(arm, bicep, services.BuildServiceProvider());
        return harness;
    }

    public static TrainingRunEntity NewRun() =>
        TrainingRunEntity.Start("train-20261206-030000-" + Guid.NewGuid().ToString("N")[..6], "manual", "9f2c41d0a7be", DateTimeOffset.UtcNow);

    /// <summary>The job resource ARM would return for the bicep's job: its container with image, command, args, env.</summary>
    private static JsonObject JobResource(TrainingJobBicep bicep) => new()
    {
        ["id"] = FakeArm.JobPath,
        ["name"] = FakeArm.JobName,
        ["type"] = "Microsoft.App/jobs",
        ["location"] = "Sweden Central",
        ["properties"] = new JsonObject
        {
            ["provisioningState"] = "Succeeded",
            ["configuration"] = new JsonObject
            {
                ["triggerType"] = bicep.TriggerType,
                ["replicaTimeout"] = 14400,
                ["replicaRetryLimit"] = 0,
                ["manualTriggerConfig"] = new JsonObject { ["parallelism"] = 1, ["replicaCompletionCount"] = 1 },
            },
            ["template"] = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = bicep.ContainerName,
                    ["image"] = FakeArm.Image,
                    ["command"] = new JsonArray([.. bicep.Command.Select(c => (JsonNode)c)]),
                    ["args"] = new JsonArray([.. bicep.Args.Select(a => (JsonNode)a)]),
                    ["env"] = new JsonArray(
                        new JsonObject { ["name"] = "AZURE_CLIENT_ID", ["value"] = "7c0e1d2f-training" },
                        new JsonObject { ["name"] = "Storage__BlobServiceUri", ["value"] = "https://stcloudsegx.blob.core.windows.net" },
                        new JsonObject { ["name"] = "Storage__CreateIfMissing", ["value"] = "false" },
                        new JsonObject { ["name"] = "OTEL_EXPORTER_OTLP_HEADERS", ["secretRef"] = "otlp-headers" }),
                    ["resources"] = new JsonObject { ["cpu"] = 4.0, ["memory"] = "8Gi" },
                    ["probes"] = new JsonArray(),
                }),
            },
        },
    };

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Arm.DisposeAsync();
    }
}

/// <summary>A credential that hands out the fake ARM's token and records the scopes asked for.</summary>
internal sealed class RecordingCredential : TokenCredential
{
    public ConcurrentQueue<string> Scopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes) Scopes.Enqueue(scope);
        return new AccessToken(FakeArm.Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
