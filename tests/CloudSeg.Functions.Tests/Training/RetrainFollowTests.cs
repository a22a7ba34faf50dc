using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Functions.Training;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudSeg.Functions.Tests.Training;

/// <summary>
/// How the functions follow a job they started, with real child processes standing in for jobs that misbehave: one
/// that never beats (hung or lost) and one that dies before writing anything.
/// </summary>
public sealed class RetrainFollowTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "cloudseg-follow-" + Guid.NewGuid().ToString("N")[..8]);
    private ServiceProvider? _services;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
        if (Directory.Exists(_work)) Directory.Delete(_work, recursive: true);
    }

    private async Task<(RetrainOnSchedule Retrain, CloudSegStorage Storage)> StartAsync(string command)
    {
        var settings = FunctionsSettings.For(azurite.ConnectionString);
        settings["Training:LocalCommand"] = command;
        settings["Training:WorkDirectory"] = _work;
        settings["Training:HeartbeatTimeout"] = "00:00:02";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _services = new ServiceCollection()
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")))
            .AddSingleton<IConfiguration>(configuration)
            .AddCloudSegFunctions(configuration)
            .BuildServiceProvider();
        var storage = _services.GetRequiredService<CloudSegStorage>();
        await storage.EnsureCreatedAsync();
        // Anything in datasets/ lets a request start; these jobs never read it.
        await storage.Datasets.GetBlobClient("train/annotations.json").UploadAsync(BinaryData.FromString("{}"), overwrite: true);
        return (_services.GetRequiredService<RetrainOnSchedule>(), storage);
    }

    [Fact]
    public async Task A_started_job_that_never_beats_fails_its_run_when_the_heartbeat_goes_stale()
    {
        var (retrain, storage) = await StartAsync("echo 'loading'; sleep 30");
        var request = await storage.RequestTrainingRunAsync(5, "manual");
        var started = await retrain.PollAsync(default);
        Assert.Equal(("started", request.RunId), (started!.Action, started.Run!.RunId));
        try
        {
            var run = await Eventually.ValueAsync(async () =>
            {
                await retrain.PollAsync(default);
                return await storage.GetTrainingRunAsync(request.RunId) is { Status: not TrainingRunStatus.Started } row ? row : null;
            }, "the silent run to be failed", TimeSpan.FromSeconds(20));

            Assert.Equal(TrainingRunStatus.Failed, run.Status);
            Assert.StartsWith("No heartbeat from the training job for", run.Error);
            Assert.NotNull(run.FinishedAt);
        }
        finally
        {
            ProcessTree.Kill(int.Parse(started.Run.ExecutionId!, System.Globalization.CultureInfo.InvariantCulture));
            // The launcher records the killed job's exit code in the run folder; deleting the folder before that races it.
            var exitCode = Path.Combine(_work, request.RunId, "exit-code");
            await Eventually.TrueAsync(() => Task.FromResult(File.Exists(exitCode)), "the launcher to record the killed job's exit");
        }
    }

    [Fact]
    public async Task A_job_that_exits_without_recording_an_outcome_fails_its_run_with_the_exit_code_and_log_tail()
    {
        var (retrain, storage) = await StartAsync("echo 'out of memory' >&2; exit 3");
        var request = await storage.RequestTrainingRunAsync(null, "manual");
        await retrain.PollAsync(default);

        var run = await Eventually.ValueAsync(async () =>
        {
            await retrain.PollAsync(default);
            return await storage.GetTrainingRunAsync(request.RunId) is { Status: not TrainingRunStatus.Started } row ? row : null;
        }, "the run to be failed");

        Assert.Equal(TrainingRunStatus.Failed, run.Status);
        Assert.Equal("The training job exited with code 3. It recorded no outcome.", run.Error);
        Assert.Equal("out of memory", run.LogTail);
        Assert.Contains("out of memory", await File.ReadAllTextAsync(run.LogsLocation!));
    }
}
