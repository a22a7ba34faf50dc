namespace CloudSeg.Core.Imaging;

/// <summary>
/// Shrinks a picture while its rows are decoded: each output pixel is the average of the block of source pixels that
/// falls on it (area averaging, like PIL's <c>reduce</c>), and only one output row of sums is held. So a picture is
/// never held at its full size when it is only needed smaller.
/// </summary>
internal sealed class AreaShrinker
{
    private readonly int _sourceWidth;
    private readonly int _sourceHeight;
    private readonly int _width;
    private readonly int _height;
    private readonly int[] _columnOf;
    private readonly int[] _columnCount;
    private readonly uint[] _sums;
    private readonly byte[] _row;
    private int _sourceRow;
    private int _rowsInSums;

    public AreaShrinker(int sourceWidth, int sourceHeight, int width, int height)
    {
        _sourceWidth = sourceWidth;
        _sourceHeight = sourceHeight;
        _width = width;
        _height = height;
        _columnOf = new int[sourceWidth];
        _columnCount = new int[width];
        for (var x = 0; x < sourceWidth; x++)
        {
            _columnOf[x] = (int)((long)x * width / sourceWidth);
            _columnCount[_columnOf[x]]++;
        }
        _sums = new uint[width * 3];
        _row = new byte[width * 4];
    }

    /// <summary>The output size that fits <paramref name="maxSide"/> (both sides scaled alike, at least 1 pixel).</summary>
    public static (int Width, int Height) Fit(int width, int height, int maxSide)
    {
        var longest = Math.Max(width, height);
        if (maxSide <= 0 || longest <= maxSide) return (width, height);
        var scale = (double)maxSide / longest;
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    /// <summary>
    /// Adds the next source row (RGBA, top-down). When it completes an output row, that RGBA row is returned with its
    /// index; otherwise the span is empty. The returned span is valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Add(ReadOnlySpan<byte> rgba, out int outputRow)
    {
        var y = _sourceRow++;
        outputRow = (int)((long)y * _height / _sourceHeight);
        for (int x = 0, s = 0; x < _sourceWidth; x++, s += 4)
        {
            var d = _columnOf[x] * 3;
            _sums[d] += rgba[s];
            _sums[d + 1] += rgba[s + 1];
            _sums[d + 2] += rgba[s + 2];
        }
        _rowsInSums++;
        var last = _sourceRow == _sourceHeight || (int)((long)_sourceRow * _height / _sourceHeight) != outputRow;
        if (!last) return [];
        for (var x = 0; x < _width; x++)
        {
            var count = (uint)(_columnCount[x] * _rowsInSums);
            var half = count / 2;
            _row[x * 4] = (byte)((_sums[x * 3] + half) / count);
            _row[x * 4 + 1] = (byte)((_sums[x * 3 + 1] + half) / count);
            _row[x * 4 + 2] = (byte)((_sums[x * 3 + 2] + half) / count);
            _row[x * 4 + 3] = 255;
        }
        Array.Clear(_sums);
        _rowsInSums = 0;
        return _row;
    }
}
