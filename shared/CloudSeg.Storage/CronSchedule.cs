using Cronos;

namespace CloudSeg.Storage;

/// <summary>
/// Cron expressions as the Functions timer trigger writes them (6 fields, with seconds) or classic 5-field ones. Shared
/// by the functions (which run the retraining schedule) and the dashboard (which shows when it runs next).
/// </summary>
public static class CronSchedule
{
    /// <summary>The retraining schedule when Training:Schedule is not set: daily at 03:00 UTC.</summary>
    public const string DefaultTrainingSchedule = "0 0 3 * * *";

    public static CronExpression Parse(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return CronExpression.Parse(expression, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
    }

    /// <summary>Time until the next occurrence after <paramref name="now"/> (UTC), or null if there is none.</summary>
    public static TimeSpan? DelayUntilNext(CronExpression expression, DateTimeOffset now) =>
        expression.GetNextOccurrence(now.UtcDateTime, TimeZoneInfo.Utc) is { } next ? next - now.UtcDateTime : null;

    /// <summary>The next occurrence after <paramref name="now"/> (UTC), or null if there is none.</summary>
    public static DateTimeOffset? Next(CronExpression expression, DateTimeOffset now) =>
        DelayUntilNext(expression, now) is { } delay ? now + delay : null;
}
