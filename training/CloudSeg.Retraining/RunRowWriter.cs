using CloudSeg.Storage;
using CloudSeg.Training.Engine;

namespace CloudSeg.Retraining;

/// <summary>
/// The job's one writer of its run row: progress reports only update the row in memory; a timer writes it (step,
/// total, loss, heartbeat) every <see cref="RetrainingOptions.HeartbeatInterval"/>, also while the job downloads,
/// exports or evaluates, so the functions can tell a live job from a dead one. Writes never overlap.
/// </summary>
public sealed class RunRowWriter : IProgress<TrainingProgress>, IAsyncDisposable
{
    private readonly CloudSegStorage _storage;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeat;

    public RunRowWriter(CloudSegStorage storage, TrainingRunEntity run, TimeSpan interval)
    {
        _storage = storage;
        Run = run;
        _heartbeat = BeatAsync(interval);
    }

    public TrainingRunEntity Run { get; }

    public void Report(TrainingProgress value)
    {
        lock (Run)
        {
            Run.Step = value.Step;
            Run.TotalSteps = value.TotalSteps;
            Run.Loss = value.Losses.Values.Sum();
        }
    }

    /// <summary>Applies <paramref name="change"/> and writes the row now (with a fresh heartbeat).</summary>
    public async Task SaveAsync(Action<TrainingRunEntity> change, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            lock (Run)
            {
                change(Run);
                Run.HeartbeatAt = DateTimeOffset.UtcNow;
            }
            await _storage.SaveTrainingRunAsync(Run, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the heartbeat (before the final write, so nothing writes after it).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _heartbeat.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private async Task BeatAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            try
            {
                await SaveAsync(_ => { }, _stop.Token).ConfigureAwait(false);
            }
            catch (Azure.RequestFailedException)
            {
                // A missed beat is retried at the next tick; the functions allow several before calling a job dead.
            }
        }
    }
}
