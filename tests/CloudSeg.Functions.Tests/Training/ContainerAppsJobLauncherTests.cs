using System.Text.Json.Nodes;
using CloudSeg.Functions.Training;

namespace CloudSeg.Functions.Tests.Training;

/// <summary>
/// The Azure launcher against a fake ARM on loopback: the requests it makes (path, api-version, bearer token, body)
/// and how it follows an execution and ARM's failures: each ends in a clear failure or a retry, never a stuck run.
/// </summary>
public sealed class ContainerAppsJobLauncherTests : IAsyncLifetime
{
    private ArmLauncherHarness _harness = null!;

    private FakeArm Arm => _harness.Arm;

    public async Task InitializeAsync() => _harness = await ArmLauncherHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Starts_the_job_with_the_runs_overrides_and_follows_the_execution_to_succeeded()
    {
        Assert.IsType<ContainerAppsJobLauncher>(_harness.Launcher);
        Arm.WalkExecution(FakeArm.ExecutionName, "Running", "Processing", "Succeeded");
        var run = ArmLauncherHarness.NewRun();

        var started = await _harness.Launcher.StartAsync(run, default);

        Assert.Equal(FakeArm.ExecutionName, started.ExecutionId);
        Assert.Contains($"{FakeArm.JobPath}/executions/{FakeArm.ExecutionName}", started.LogsLocation);
        var calls = Arm.Calls.ToArray();
        Assert.Equal(["job", "start"], calls.Select(c => c.Route));
        Assert.Equal(("GET", FakeArm.JobPath), (calls[0].Method, calls[0].Path));
        Assert.Equal(("POST", FakeArm.JobPath + "/start"), (calls[1].Method, calls[1].Path));
        Assert.All(calls, c => Assert.Equal(("2025-07-01", $"Bearer {FakeArm.Token}"), (c.ApiVersion, c.Authorization)));
        Assert.Equal(["https://management.azure.com/.default"], _harness.Credential.Scopes.Distinct());

        // The body: the job's own container (named as in the bicep, same image/command/args/resources), its environment
        // kept (secret references too) plus the run's two overrides, and nothing a JobExecutionContainer does not have.
        var body = JsonNode.Parse(calls[1].Body)!.AsObject();
        var container = Assert.Single(body["containers"]!.AsArray())!.AsObject();
        Assert.Equal(_harness.Bicep.ContainerName, container["name"]!.GetValue<string>());
        Assert.Equal(FakeArm.Image, container["image"]!.GetValue<string>());
        Assert.Equal(_harness.Bicep.Command, container["command"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(_harness.Bicep.Args, container["args"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("8Gi", container["resources"]!["memory"]!.GetValue<string>());
        Assert.Null(container["probes"]);
        var env = container["env"]!.AsArray().Select(e => e!.AsObject()).ToDictionary(e => e["name"]!.GetValue<string>());
        Assert.Equal(run.RunId, env["CLOUDSEG_RUN_ID"]["value"]!.GetValue<string>());
        Assert.Equal(run.DatasetDigest, env["CLOUDSEG_DATASET_DIGEST"]["value"]!.GetValue<string>());
        Assert.Equal("https://stcloudsegx.blob.core.windows.net", env["Storage__BlobServiceUri"]["value"]!.GetValue<string>());
        Assert.Equal("otlp-headers", env["OTEL_EXPORTER_OTLP_HEADERS"]["secretRef"]!.GetValue<string>());

        run.ExecutionId = started.ExecutionId;
        var states = new List<TrainingJobStatus>();
        for (var i = 0; i < 3; i++) states.Add((await _harness.Launcher.GetStateAsync(run, default)).Status);
        Assert.Equal([TrainingJobStatus.Running, TrainingJobStatus.Running, TrainingJobStatus.Succeeded], states);
        var polls = Arm.CallsTo("execution").ToArray();
        Assert.Equal(3, polls.Length);
        Assert.All(polls, c => Assert.Equal(
            ($"{FakeArm.JobPath}/executions/{FakeArm.ExecutionName}", "2025-07-01", $"Bearer {FakeArm.Token}"), (c.Path, c.ApiVersion, c.Authorization)));
    }

    [Theory]
    [InlineData("Failed")]
    [InlineData("Stopped")]
    [InlineData("Degraded")]
    public async Task An_execution_that_ends_badly_fails_the_run_with_its_status(string status)
    {
        Arm.WalkExecution(FakeArm.ExecutionName, "Running", status);
        var run = await StartedRunAsync();

        Assert.Equal(TrainingJobStatus.Running, (await _harness.Launcher.GetStateAsync(run, default)).Status);
        var state = await _harness.Launcher.GetStateAsync(run, default);

        Assert.Equal(TrainingJobStatus.Failed, state.Status);
        Assert.Contains($"Execution {FakeArm.ExecutionName} of job {FakeArm.JobName} ended {status}", state.Error);
        Assert.Contains("ContainerAppConsoleLogs_CL", state.Error);
    }

    [Fact]
    public async Task An_execution_that_disappears_fails_the_run()
    {
        var run = ArmLauncherHarness.NewRun();
        run.ExecutionId = "job-cloudseg-training-gone123";

        var state = await _harness.Launcher.GetStateAsync(run, default);

        Assert.Equal(TrainingJobStatus.Failed, state.Status);
        Assert.Contains("Execution job-cloudseg-training-gone123 of job job-cloudseg-training no longer exists", state.Error);
        Assert.Single(Arm.CallsTo("execution")); // a 404 is an answer, not retried
    }

    [Fact]
    public async Task A_401_fails_the_start_at_once_and_names_the_identity()
    {
        Arm.Answer("job", 401, FakeArm.ArmError("InvalidAuthenticationTokenTenant", "The access token is from the wrong issuer."));

        var error = await Assert.ThrowsAsync<ArmRequestException>(() => _harness.Launcher.StartAsync(ArmLauncherHarness.NewRun(), default));

        Assert.Equal(401, error.Status);
        Assert.Contains($"ARM refused the token of the managed identity with client id {ArmLauncherHarness.ClientId} to read job {FakeArm.JobName}", error.Message);
        Assert.Contains("InvalidAuthenticationTokenTenant: The access token is from the wrong issuer.", error.Message);
        Assert.Single(Arm.Calls); // no retry, and nothing started
    }

    [Fact]
    public async Task A_403_names_the_missing_role_when_starting_and_when_following()
    {
        Arm.Answer("start", 403, FakeArm.ArmError("AuthorizationFailed",
            $"The client '{ArmLauncherHarness.ClientId}' does not have authorization to perform action 'Microsoft.App/jobs/start/action'."));

        var error = await Assert.ThrowsAsync<ArmRequestException>(() => _harness.Launcher.StartAsync(ArmLauncherHarness.NewRun(), default));

        Assert.Equal(403, error.Status);
        Assert.Contains($"client id {ArmLauncherHarness.ClientId} may not start job {FakeArm.JobName}", error.Message);
        Assert.Contains("'CloudSeg training job operator' role", error.Message);
        Assert.Contains("infra/modules/job-operator.bicep", error.Message);
        Assert.Single(Arm.CallsTo("start"));

        var run = ArmLauncherHarness.NewRun();
        run.ExecutionId = FakeArm.ExecutionName;
        Arm.Answer("execution", 403, FakeArm.ArmError("AuthorizationFailed", "no Microsoft.App/jobs/executions/read"));
        var state = await _harness.Launcher.GetStateAsync(run, default);
        Assert.Equal(TrainingJobStatus.Failed, state.Status);
        Assert.Contains($"may not read execution {FakeArm.ExecutionName} of job {FakeArm.JobName}", state.Error);
        Assert.Contains("'CloudSeg training job operator' role", state.Error);
    }

    [Fact]
    public async Task A_429_is_retried_after_its_Retry_After_and_the_run_starts()
    {
        Arm.Answer("start", 429, FakeArm.ArmError("TooManyRequests", "Too many requests."), ("Retry-After", "1"));

        var started = await _harness.Launcher.StartAsync(ArmLauncherHarness.NewRun(), default);

        Assert.Equal(FakeArm.ExecutionName, started.ExecutionId);
        var starts = Arm.CallsTo("start").ToArray();
        Assert.Equal(2, starts.Length);
        // The configured back-off is 50-200 ms: a second try a second later is ARM's Retry-After being honoured.
        Assert.True(starts[1].At - starts[0].At >= TimeSpan.FromMilliseconds(950), $"retried after {(starts[1].At - starts[0].At).TotalMilliseconds} ms");
        Assert.Equal(starts[0].Body, starts[1].Body);
    }

    [Fact]
    public async Task A_500_is_retried_and_the_state_read_on_the_next_try()
    {
        Arm.WalkExecution(FakeArm.ExecutionName, "Succeeded");
        Arm.Answer("execution", 500, FakeArm.ArmError("InternalServerError", "Something went wrong."));
        Arm.Answer("execution", 502);
        var run = await StartedRunAsync();

        var state = await _harness.Launcher.GetStateAsync(run, default);

        Assert.Equal(TrainingJobStatus.Succeeded, state.Status);
        Assert.Equal(3, Arm.CallsTo("execution").Count());
    }

    [Fact]
    public async Task Persistent_server_errors_end_in_a_failed_start_or_a_failed_state_with_the_reason()
    {
        for (var i = 0; i <= ArmLauncherHarness.MaxRetries; i++)
            Arm.Answer("start", 503, FakeArm.ArmError("ServiceUnavailable", "The service is unavailable."));

        var error = await Assert.ThrowsAsync<ArmRequestException>(() => _harness.Launcher.StartAsync(ArmLauncherHarness.NewRun(), default));

        Assert.Contains($"ARM still answered 503 ServiceUnavailable: The service is unavailable. to start job {FakeArm.JobName} after 3 retries", error.Message);
        Assert.Equal(ArmLauncherHarness.MaxRetries + 1, Arm.CallsTo("start").Count());

        var run = ArmLauncherHarness.NewRun();
        run.ExecutionId = FakeArm.ExecutionName;
        for (var i = 0; i <= ArmLauncherHarness.MaxRetries; i++)
            Arm.Answer("execution", 500, FakeArm.ArmError("InternalServerError", "Backend down."));
        var state = await _harness.Launcher.GetStateAsync(run, default);
        Assert.Equal(TrainingJobStatus.Failed, state.Status);
        Assert.Contains($"Could not follow execution {FakeArm.ExecutionName}: ARM still answered 500 InternalServerError: Backend down.", state.Error);
        Assert.Equal(ArmLauncherHarness.MaxRetries + 1, Arm.CallsTo("execution").Count());
    }

    [Fact]
    public async Task A_start_accepted_as_an_async_operation_is_followed_to_its_execution()
    {
        const string operation = "{endpoint}/subscriptions/" + FakeArm.SubscriptionId +
                                 "/providers/Microsoft.App/locations/swedencentral/containerappsjobOperationResults/op-1?api-version=" + FakeArm.ApiVersion;
        Arm.Answer("start", 202, null, ("Location", operation), ("Retry-After", "0"));
        Arm.Answer("operation", 202, null, ("Retry-After", "0"));
        Arm.Answer("operation", 200, new JsonObject { ["name"] = "job-cloudseg-training-async1", ["id"] = FakeArm.JobPath + "/executions/job-cloudseg-training-async1" });

        var started = await _harness.Launcher.StartAsync(ArmLauncherHarness.NewRun(), default);

        Assert.Equal("job-cloudseg-training-async1", started.ExecutionId);
        var polls = Arm.CallsTo("operation").ToArray();
        Assert.Equal(2, polls.Length);
        Assert.All(polls, c => Assert.Equal($"Bearer {FakeArm.Token}", c.Authorization));
    }

    [Fact]
    public async Task A_Location_outside_ARM_is_not_followed_with_the_token()
    {
        Arm.Answer("start", 202, null, ("Location", "https://collector.example.net/steal?api-version=2025-07-01"));

        var error = await Assert.ThrowsAsync<ArmRequestException>(() => _harness.Launcher.StartAsync(ArmLauncherHarness.NewRun(), default));

        Assert.Contains("with a Location outside", error.Message);
        Assert.DoesNotContain(Arm.Calls, c => c.Route is "operation" or "unknown");
    }

    [Fact]
    public async Task A_job_without_the_configured_container_is_refused_before_anything_starts()
    {
        await using var other = await ArmLauncherHarness.StartAsync(configure: s => s["Training:ContainerAppsJob:ContainerName"] = "trainer");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => other.Launcher.StartAsync(ArmLauncherHarness.NewRun(), default));

        Assert.Contains($"Job {FakeArm.JobName} has no container named 'trainer' (it has: '{other.Bicep.ContainerName}')", error.Message);
        Assert.Empty(other.Arm.CallsTo("start"));
    }

    [Fact]
    public async Task A_missing_job_fails_the_start_clearly()
    {
        await using var other = await ArmLauncherHarness.StartAsync(configure: s => s["Training:ContainerAppsJob:JobName"] = "job-deleted");

        var error = await Assert.ThrowsAsync<ArmRequestException>(() => other.Launcher.StartAsync(ArmLauncherHarness.NewRun(), default));

        Assert.Contains($"The Container Apps Job job-deleted does not exist in resource group {FakeArm.ResourceGroup}", error.Message);
    }

    private async Task<CloudSeg.Storage.TrainingRunEntity> StartedRunAsync()
    {
        var run = ArmLauncherHarness.NewRun();
        run.ExecutionId = (await _harness.Launcher.StartAsync(run, default)).ExecutionId;
        return run;
    }
}
