using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CloudSeg.Functions.Telemetry;

/// <summary>
/// The "CloudSeg.Functions" meter: images processed and failed, end-to-end latency, queue depth and a one-minute
/// moving throughput in images per second.
/// </summary>
public sealed class FunctionsMetrics
{
    public const string MeterName = "CloudSeg.Functions";
    public static readonly ActivitySource ActivitySource = new(MeterName);

    private readonly Counter<long> _processed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Histogram<double> _latency;
    private readonly ThroughputWindow _throughput = new(TimeSpan.FromMinutes(1));
    private long _queueDepth;

    public FunctionsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _processed = meter.CreateCounter<long>("cloudseg.images.processed", "{image}", "Images that got a result (or were already done).");
        _failed = meter.CreateCounter<long>("cloudseg.images.failed", "{image}", "Images recorded as failed (bad input or poisoned).");
        _retried = meter.CreateCounter<long>("cloudseg.images.retried", "{attempt}", "Transient failures left for a retry.");
        _latency = meter.CreateHistogram<double>("cloudseg.images.latency", "ms", "Time from message receipt to result written.");
        meter.CreateObservableGauge("cloudseg.queue.depth", () => Interlocked.Read(ref _queueDepth), "{message}", "Approximate messages waiting in segment-requests.");
        meter.CreateObservableGauge("cloudseg.images.throughput", () => _throughput.PerSecond(), "{image}/s", "Images finished per second over the last minute.");
    }

    public void Processed(string modelVersion, double latencyMs)
    {
        var tag = new KeyValuePair<string, object?>("model.version", modelVersion);
        _processed.Add(1, tag);
        _latency.Record(latencyMs, tag);
        _throughput.Add();
    }

    public void Failed(string kind)
    {
        _failed.Add(1, new KeyValuePair<string, object?>("error.kind", kind));
        _throughput.Add();
    }

    public void Retried() => _retried.Add(1);

    public void QueueDepth(long depth) => Interlocked.Exchange(ref _queueDepth, depth);

    /// <summary>Counts events in a sliding window (one bucket per second).</summary>
    private sealed class ThroughputWindow(TimeSpan window)
    {
        private readonly Lock _gate = new();
        private readonly Queue<long> _ticks = new();

        public void Add()
        {
            lock (_gate)
            {
                _ticks.Enqueue(Stopwatch.GetTimestamp());
                Trim();
            }
        }

        public double PerSecond()
        {
            lock (_gate)
            {
                Trim();
                return _ticks.Count / window.TotalSeconds;
            }
        }

        private void Trim()
        {
            var oldest = Stopwatch.GetTimestamp() - (long)(window.TotalSeconds * Stopwatch.Frequency);
            while (_ticks.Count > 0 && _ticks.Peek() < oldest) _ticks.Dequeue();
        }
    }
}
