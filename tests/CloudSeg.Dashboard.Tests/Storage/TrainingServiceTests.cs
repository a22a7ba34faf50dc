using CloudSeg.Dashboard.Services;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CloudSeg.Dashboard.Tests.Storage;

/// <summary>The training page's data: the schedule's next run, one request at a time, the labelled data summary.</summary>
[Collection(StorageCollection.Name)]
public sealed class TrainingServiceTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData(null, "03:00:00")]
    [InlineData("0 30 */6 * * *", ":30:00")]
    [InlineData("15 4 * * *", "04:15:00")]
    public async Task The_next_scheduled_run_follows_the_cron_with_or_without_seconds(string? schedule, string expectedTime)
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString,
            schedule is null ? null : new Dictionary<string, string?> { ["Dashboard:TrainingSchedule"] = schedule });
        var training = factory.Services.GetRequiredService<TrainingService>();

        var next = training.NextScheduledRun();

        Assert.NotNull(next);
        Assert.InRange(next.Value, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        Assert.EndsWith(expectedTime, next.Value.UtcDateTime.ToString("HH:mm:ss"));
    }

    [Fact]
    public async Task An_invalid_schedule_has_no_next_run_instead_of_breaking_the_page()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString, new Dictionary<string, string?> { ["Dashboard:TrainingSchedule"] = "every night" });

        Assert.Null(factory.Services.GetRequiredService<TrainingService>().NextScheduledRun());
    }

    [Fact]
    public async Task Retrain_now_is_refused_while_a_run_is_requested_or_started()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var training = factory.Services.GetRequiredService<TrainingService>();
        foreach (var stale in (await factory.Storage.ListTrainingRunsAsync(100)).Where(r => r.IsActive()))
        {
            stale.Status = TrainingRunStatus.Failed;
            await factory.Storage.SaveTrainingRunAsync(stale);
        }

        var run = await training.RequestRunAsync("tester", CancellationToken.None);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => training.RequestRunAsync("tester", CancellationToken.None));
        run.Status = TrainingRunStatus.Started;
        await factory.Storage.SaveTrainingRunAsync(run);
        await Assert.ThrowsAsync<InvalidOperationException>(() => training.RequestRunAsync("tester", CancellationToken.None));
        run.Status = TrainingRunStatus.Succeeded;
        await factory.Storage.SaveTrainingRunAsync(run);
        var next = await training.RequestRunAsync("tester", CancellationToken.None);

        Assert.Equal("manual", run.Trigger);
        Assert.Contains(run.RunId, refused.Message);
        Assert.Equal(next.RunId, (await training.ListAsync(CancellationToken.None)).FirstActive()?.RunId);
        Assert.NotEqual(run.RunId, next.RunId);
        next.Status = TrainingRunStatus.Failed;
        await factory.Storage.SaveTrainingRunAsync(next);
    }
}
