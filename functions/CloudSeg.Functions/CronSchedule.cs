using Cronos;

namespace CloudSeg.Functions;

/// <summary>Cron expressions as the Functions timer trigger writes them (6 fields, with seconds) or classic 5-field ones.</summary>
public static class CronSchedule
{
    public static CronExpression Parse(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return CronExpression.Parse(expression, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
    }

    /// <summary>Time until the next occurrence after <paramref name="now"/> (UTC), or null if there is none.</summary>
    public static TimeSpan? DelayUntilNext(CronExpression expression, DateTimeOffset now) =>
        expression.GetNextOccurrence(now.UtcDateTime, TimeZoneInfo.Utc) is { } next ? next - now.UtcDateTime : null;
}
