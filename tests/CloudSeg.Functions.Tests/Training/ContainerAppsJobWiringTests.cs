using System.Text.RegularExpressions;
using CloudSeg.Functions.Training;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Tests.Training;

/// <summary>
/// How Azure training is put together: options validated up front, the infra template and the training image agreeing
/// with the launcher, and the functions' retraining loop driving a run through the fake ARM to an end.
/// </summary>
public sealed class ContainerAppsJobWiringTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Bad_Azure_launcher_settings_are_refused_with_every_problem_listed()
    {
        await using var harness = await ArmLauncherHarness.StartAsync(configure: s =>
        {
            s["Training:ContainerAppsJob:SubscriptionId"] = "my-subscription";
            s["Training:ContainerAppsJob:ResourceGroup"] = null;
            s["Training:ContainerAppsJob:ArmEndpoint"] = "http://127.0.0.1:9/";
            s["Training:ContainerAppsJob:ApiVersion"] = "latest";
        });

        var error = Assert.Throws<OptionsValidationException>(() => harness.Launcher);

        Assert.Contains("Training:ContainerAppsJob:SubscriptionId must be the subscription's GUID (is 'my-subscription').", error.Failures);
        Assert.Contains("Training:ContainerAppsJob:ResourceGroup must name the job's resource group (is '').", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("Training:ContainerAppsJob:ArmEndpoint must be an absolute https URL", StringComparison.Ordinal));
        Assert.Contains("Training:ContainerAppsJob:ApiVersion must look like 2025-07-01 (is 'latest').", error.Failures);
        Assert.Empty(harness.Arm.Calls);
    }

    [Fact]
    public async Task An_unknown_launcher_is_refused()
    {
        await using var harness = await ArmLauncherHarness.StartAsync(configure: s => s["Training:Launcher"] = "Kubernetes");

        var error = Assert.Throws<OptionsValidationException>(() => harness.Launcher);

        Assert.Equal(["Training:Launcher is 'Kubernetes'; use 'Local' or 'ContainerAppsJob'."], error.Failures);
    }

    [Fact]
    public async Task The_product_credential_gets_its_token_from_the_managed_identity_endpoint_as_in_Container_Apps()
    {
        await using var harness = await ArmLauncherHarness.StartAsync(productCredential: true);
        // What Container Apps sets in a replica with a managed identity; nothing else in this process reads them.
        using var identity = new EnvironmentScope(
            ("IDENTITY_ENDPOINT", harness.Arm.IdentityEndpoint.ToString()), ("IDENTITY_HEADER", FakeArm.IdentityHeader));

        var started = await harness.Launcher.StartAsync(ArmLauncherHarness.NewRun(), default);

        Assert.Equal(FakeArm.ExecutionName, started.ExecutionId);
        var tokenRequest = harness.Arm.CallsTo("identity").First();
        Assert.Equal($"resource=https://management.azure.com&client_id={ArmLauncherHarness.ClientId}", tokenRequest.Body);
        Assert.Equal(FakeArm.IdentityHeader, tokenRequest.Authorization);
        Assert.Equal(["job", "start"], harness.Arm.Calls.Where(c => c.Route != "identity").Select(c => c.Route));
        Assert.All(harness.Arm.Calls.Where(c => c.Route != "identity"), c => Assert.Equal($"Bearer {FakeArm.Token}", c.Authorization));
    }

    [Fact]
    public void The_job_template_and_the_training_image_match_the_launcher()
    {
        var bicep = TrainingJobBicep.Read();
        var defaults = new ContainerAppsJobOptions();

        Assert.Equal("Manual", bicep.TriggerType); // the functions' schedule starts it; no cron of its own
        Assert.Equal(defaults.ContainerName, bicep.ContainerName);
        Assert.Equal(defaults.ApiVersion, bicep.ApiVersion);
        Assert.Equal(["dotnet", "/app/cloudseg.dll"], bicep.Command);
        Assert.Equal(["train-job"], bicep.Args);

        var dockerfile = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "docker", "training.Dockerfile"));
        Assert.Contains($"ENTRYPOINT [{string.Join(", ", bicep.Command.Select(c => $"\"{c}\""))}]", dockerfile);
        Assert.Contains($"CMD [{string.Join(", ", bicep.Args.Select(a => $"\"{a}\""))}]", dockerfile);
        Assert.Matches(new Regex(@"dotnet publish cli/CloudSeg\.Cli/CloudSeg\.Cli\.csproj"), dockerfile);
    }

    [Fact]
    public async Task The_retraining_loop_starts_a_run_as_an_execution_and_ends_it_with_the_executions_outcome()
    {
        await using var harness = await ArmLauncherHarness.StartAsync(azurite.ConnectionString);
        var storage = harness.Services.GetRequiredService<CloudSegStorage>();
        await storage.EnsureCreatedAsync();
        await storage.Datasets.GetBlobClient("train/annotations.json").UploadAsync(BinaryData.FromString("""{"images":[],"annotations":[],"categories":[]}"""), overwrite: true);
        var retrain = harness.Services.GetRequiredService<RetrainOnSchedule>();
        harness.Arm.WalkExecution(FakeArm.ExecutionName, "Running", "Failed");

        var started = await retrain.RunAsync("manual", default);

        Assert.Equal("started", started.Action);
        var row = (await storage.ListTrainingRunsAsync()).Single(r => r.RunId == started.Run!.RunId);
        Assert.Equal((TrainingRunStatus.Started, FakeArm.ExecutionName), (row.Status, row.ExecutionId));
        var body = harness.Arm.CallsTo("start").Single().Body;
        Assert.Contains($$"""{"name":"CLOUDSEG_RUN_ID","value":"{{row.RunId}}"}""", body);
        Assert.Contains($$"""{"name":"CLOUDSEG_DATASET_DIGEST","value":"{{row.DatasetDigest}}"}""", body);

        Assert.Empty(await retrain.FollowRunsAsync(default)); // still Running
        var finished = Assert.Single(await retrain.FollowRunsAsync(default));
        Assert.Equal(row.RunId, finished.RunId);
        row = (await storage.ListTrainingRunsAsync()).Single(r => r.RunId == row.RunId);
        Assert.Equal(TrainingRunStatus.Failed, row.Status);
        Assert.Contains($"Execution {FakeArm.ExecutionName} of job {FakeArm.JobName} ended Failed", row.Error);
    }

    private sealed class EnvironmentScope : IDisposable
    {
        private readonly (string Name, string? Value)[] _previous;

        public EnvironmentScope(params (string Name, string Value)[] variables)
        {
            _previous = [.. variables.Select(v => (v.Name, Environment.GetEnvironmentVariable(v.Name)))];
            foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(name, value);
        }

        public void Dispose()
        {
            foreach (var (name, value) in _previous) Environment.SetEnvironmentVariable(name, value);
        }
    }
}
