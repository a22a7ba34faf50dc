using Microsoft.Extensions.Logging;

namespace CloudSeg.Inference.Tests;

/// <summary>Keeps every formatted log message, for tests that assert what the segmenter says.</summary>
internal sealed class RecordingLogger : ILogger
{
    public List<string> Messages { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Messages) Messages.Add(formatter(state, exception));
    }
}
