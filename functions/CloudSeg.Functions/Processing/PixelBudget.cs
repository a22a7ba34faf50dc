using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Processing;

/// <summary>
/// The pixels all images being decoded at once may have (<see cref="FunctionsOptions.DecodePixelBudget"/>): a
/// semaphore weighted by each picture's pixel count, so a burst of huge pictures (decompression bombs among them)
/// decodes a few at a time while small pictures, which fit beside them, are never held up behind them.
/// </summary>
public sealed class PixelBudget(IOptions<FunctionsOptions> options)
{
    private readonly object _gate = new();
    private readonly long _capacity = options.Value.DecodePixelBudget;
    private readonly LinkedList<Waiter> _waiters = [];
    private long _inUse;

    /// <summary>Waits until <paramref name="pixels"/> (at most the whole budget) are free and holds them until disposed.</summary>
    public async ValueTask<IDisposable> AcquireAsync(long pixels, CancellationToken ct)
    {
        var need = Math.Clamp(pixels, 1, _capacity);
        Waiter waiter;
        lock (_gate)
        {
            if (_inUse + need <= _capacity)
            {
                _inUse += need;
                return new Hold(this, need);
            }
            waiter = new Waiter(need);
            waiter.Node = _waiters.AddLast(waiter);
        }
        await using (ct.Register(() => Cancel(waiter, ct)))
        {
            await waiter.Granted.Task.ConfigureAwait(false);
        }
        return new Hold(this, need);
    }

    private void Cancel(Waiter waiter, CancellationToken ct)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null) return; // already granted
            _waiters.Remove(waiter.Node);
        }
        waiter.Granted.TrySetCanceled(ct);
    }

    private void Release(long pixels)
    {
        var granted = new List<Waiter>();
        lock (_gate)
        {
            _inUse -= pixels;
            // First fit in arrival order: whoever fits into what is free goes now.
            for (var node = _waiters.First; node is not null;)
            {
                var next = node.Next;
                if (_inUse + node.Value.Need <= _capacity)
                {
                    _inUse += node.Value.Need;
                    _waiters.Remove(node);
                    granted.Add(node.Value);
                }
                node = next;
            }
        }
        foreach (var waiter in granted) waiter.Granted.TrySetResult();
    }

    private sealed class Waiter(long need)
    {
        public long Need { get; } = need;
        public LinkedListNode<Waiter>? Node { get; set; }
        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Hold(PixelBudget budget, long pixels) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) budget.Release(pixels);
        }
    }
}
