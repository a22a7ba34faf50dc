namespace CloudSeg.Core.Masks;

/// <summary>
/// Accumulates a binary mask in column-major scan order as COCO run lengths (first run = background),
/// merging adjacent runs of the same value, so producers never need the full-size mask in memory.
/// </summary>
internal sealed class RleBuilder
{
    private uint[] _counts;
    private int _length;
    private bool _value;
    private long _run;
    private long _total;

    public RleBuilder(int capacity = 16)
    {
        _counts = new uint[Math.Max(2, capacity)];
    }

    public long Total => _total;

    public void Add(bool value, long length)
    {
        if (length <= 0) return;
        _total += length;
        if (value == _value)
        {
            _run += length;
            return;
        }
        Push(_run);
        _value = value;
        _run = length;
    }

    public RleMask Build(int height, int width)
    {
        if (_total != (long)height * width)
            throw new InvalidOperationException($"Runs cover {_total} pixels but the mask has {(long)height * width}.");
        Push(_run);
        var counts = _counts.AsSpan(0, _length).ToArray();
        return new RleMask(height, width, counts, validate: false);
    }

    private void Push(long run)
    {
        if (_length == _counts.Length) Array.Resize(ref _counts, _counts.Length * 2);
        _counts[_length++] = checked((uint)run);
    }
}
