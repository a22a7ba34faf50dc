using Microsoft.Extensions.Logging;

namespace CloudSeg.Retraining;

/// <summary>
/// Keeps the job's last log lines in memory, so a failed run's row can carry them (<c>LogTail</c>) wherever the job
/// runs: a person sees why without finding the container's or the process's log.
/// </summary>
public sealed class LogTail : ILoggerProvider
{
    public const int Lines = 40;
    private readonly Queue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new TailLogger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    /// <summary>The kept lines, oldest first, one per line.</summary>
    public string Text()
    {
        lock (_lines) return string.Join('\n', _lines);
    }

    private void Add(string line)
    {
        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > Lines) _lines.Dequeue();
        }
    }

    public void Dispose() { }

    private sealed class TailLogger(LogTail tail, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"{DateTimeOffset.UtcNow:HH:mm:ss} {logLevel.ToString()[..4].ToLowerInvariant()} {category}: {formatter(state, exception)}";
            tail.Add(exception is null ? line : $"{line} ({exception.GetType().Name}: {exception.Message})");
        }
    }
}
