using CloudSeg.Functions.Processing;
using CloudSeg.Functions.Training;
using CloudSeg.Storage;

namespace CloudSeg.Functions.Tests.Processing;

public class PolicyTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(6, 60)]
    public void Retries_back_off_exponentially_up_to_the_cap(long attempt, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryBackoff.For(attempt, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1)));
    }

    [Theory]
    [InlineData("0 0 3 * * *", "2026-01-01T02:59:00Z", "2026-01-01T03:00:00Z")]
    [InlineData("*/30 * * * * *", "2026-01-01T00:00:10Z", "2026-01-01T00:00:30Z")]
    [InlineData("15 4 * * *", "2026-01-01T05:00:00Z", "2026-01-02T04:15:00Z")]
    public void Cron_accepts_the_timer_triggers_six_fields_and_classic_five(string expression, string now, string next)
    {
        var delay = CronSchedule.DelayUntilNext(CronSchedule.Parse(expression), DateTimeOffset.Parse(now));
        Assert.Equal(DateTimeOffset.Parse(next) - DateTimeOffset.Parse(now), delay);
    }
}
