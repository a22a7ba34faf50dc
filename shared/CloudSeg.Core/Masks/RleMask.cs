using CloudSeg.Core.Geometry;

namespace CloudSeg.Core.Masks;

/// <summary>
/// A binary mask as COCO run-length encoding: pixels scanned column by column (column-major, like pycocotools),
/// <see cref="Counts"/> alternate background/foreground run lengths and always start with a background run
/// (which is 0 when the first pixel is foreground). Immutable; equality compares size and runs.
/// </summary>
public sealed partial class RleMask : IEquatable<RleMask>
{
    public RleMask(int height, int width, uint[] counts)
        : this(height, width, counts, validate: true)
    {
    }

    internal RleMask(int height, int width, uint[] counts, bool validate)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (validate)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(height);
            ArgumentOutOfRangeException.ThrowIfNegative(width);
            long sum = 0;
            foreach (var c in counts) sum += c;
            if (sum != (long)height * width)
                throw new ArgumentException($"RLE counts sum to {sum} but a {height}x{width} mask has {(long)height * width} pixels.", nameof(counts));
        }
        Height = height;
        Width = width;
        Counts = counts;
    }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Column-major run lengths, background first. Do not modify.</summary>
    public uint[] Counts { get; }

    /// <summary>Number of foreground pixels (pycocotools <c>area</c>).</summary>
    public long Area
    {
        get
        {
            long area = 0;
            for (var i = 1; i < Counts.Length; i += 2) area += Counts[i];
            return area;
        }
    }

    /// <summary>An all-background mask.</summary>
    public static RleMask Empty(int height, int width) => new(height, width, [checked((uint)((long)height * width))]);

    /// <summary>Encodes a ROW-major mask (non-zero = foreground) into column-major runs (pycocotools <c>encode</c>).</summary>
    public static RleMask Encode(ReadOnlySpan<byte> mask, int height, int width)
    {
        if (mask.Length != (long)height * width)
            throw new ArgumentException($"Mask has {mask.Length} bytes, expected {height}x{width}.", nameof(mask));
        var builder = new RleBuilder();
        for (var x = 0; x < width; x++)
        {
            var y = 0;
            while (y < height)
            {
                var value = mask[y * width + x] != 0;
                var start = y;
                while (y < height && (mask[y * width + x] != 0) == value) y++;
                builder.Add(value, y - start);
            }
        }
        return builder.Build(height, width);
    }

    /// <summary>The mask as ROW-major bytes, 1 = foreground, 0 = background.</summary>
    public byte[] Decode()
    {
        var mask = new byte[(long)Height * Width];
        DecodeInto(mask);
        return mask;
    }

    /// <summary>Writes the mask ROW-major into <paramref name="mask"/> (Height*Width bytes): 1 = foreground, 0 = background.</summary>
    public void DecodeInto(Span<byte> mask)
    {
        if (mask.Length != (long)Height * Width)
            throw new ArgumentException($"Buffer has {mask.Length} bytes, expected {Height}x{Width}.", nameof(mask));
        mask.Clear();
        foreach (var (x, y, length) in ForegroundRuns())
            for (var i = 0; i < length; i++)
                mask[(y + i) * Width + x] = 1;
    }

    /// <summary>
    /// The foreground as vertical segments (column x, first row y, length), each within one column.
    /// Lets consumers (renderers, pasters) walk the mask without decoding it.
    /// </summary>
    public IEnumerable<(int X, int Y, int Length)> ForegroundRuns()
    {
        if (Height == 0) yield break;
        long position = 0;
        for (var i = 0; i < Counts.Length; i++)
        {
            long run = Counts[i];
            if ((i & 1) == 1)
            {
                var p = position;
                var remaining = run;
                while (remaining > 0)
                {
                    var x = (int)(p / Height);
                    var y = (int)(p % Height);
                    var length = (int)Math.Min(remaining, Height - y);
                    yield return (x, y, length);
                    p += length;
                    remaining -= length;
                }
            }
            position += run;
        }
    }

    /// <summary>
    /// Tight box around the foreground, pycocotools <c>toBbox</c> semantics: [x, y, x + w, y + h] in whole pixels,
    /// all zeros for an empty mask. A run spanning several columns covers the full column height.
    /// </summary>
    public BoxF BoundingBox
    {
        get
        {
            var (x, y, w, h) = BboxXywh();
            return new BoxF(x, y, x + w, y + h);
        }
    }

    internal (long X, long Y, long W, long H) BboxXywh()
    {
        long h = Height, w = Width;
        var m = Counts.Length / 2 * 2;
        if (m == 0 || h == 0) return (0, 0, 0, 0);
        long xs = w, ys = h, xe = 0, ye = 0, cc = 0, xp = 0;
        for (var j = 0; j < m; j++)
        {
            cc += Counts[j];
            var t = cc - j % 2;
            var y = t % h;
            var x = (t - y) / h;
            if (j % 2 == 0) xp = x;
            else if (xp < x)
            {
                ys = 0;
                ye = h - 1;
            }
            xs = Math.Min(xs, x);
            xe = Math.Max(xe, x);
            ys = Math.Min(ys, y);
            ye = Math.Max(ye, y);
        }
        return (xs, ys, xe - xs + 1, ye - ys + 1);
    }

    /// <summary>A mask from uncompressed COCO counts (<c>{"size": [h, w], "counts": [..]}</c>).</summary>
    public static RleMask FromUncompressed(IReadOnlyList<long> counts, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var runs = new uint[counts.Count];
        for (var i = 0; i < runs.Length; i++)
        {
            if (counts[i] < 0 || counts[i] > uint.MaxValue)
                throw new ArgumentException($"RLE count {counts[i]} at index {i} is out of range.", nameof(counts));
            runs[i] = (uint)counts[i];
        }
        return new RleMask(height, width, runs);
    }

    /// <summary>The uncompressed COCO counts (a copy).</summary>
    public long[] ToUncompressed() => Array.ConvertAll(Counts, c => (long)c);

    public bool Equals(RleMask? other) =>
        other is not null && Height == other.Height && Width == other.Width && Counts.AsSpan().SequenceEqual(other.Counts);

    public override bool Equals(object? obj) => Equals(obj as RleMask);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Height);
        hash.Add(Width);
        foreach (var c in Counts) hash.Add(c);
        return hash.ToHashCode();
    }

    public override string ToString() => $"RleMask {Height}x{Width}, area {Area}, {Counts.Length} runs";
}
