using System.Text;

namespace CloudSeg.Core.Masks;

public sealed partial class RleMask
{
    /// <summary>
    /// pycocotools' compact counts string (rleToString): each count, after the first three, is stored as the
    /// difference to the count two places earlier; values are written 5 bits per character, low bits first,
    /// with 0x20 as the "more follows" bit and 0x10 as the sign of the last chunk, offset by 48 ('0').
    /// </summary>
    public string ToCompressedString()
    {
        var text = new StringBuilder(Counts.Length * 2);
        for (var i = 0; i < Counts.Length; i++)
        {
            long x = Counts[i];
            if (i > 2) x -= Counts[i - 2];
            var more = true;
            while (more)
            {
                var c = (int)(x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) c |= 0x20;
                text.Append((char)(c + 48));
            }
        }
        return text.ToString();
    }

    /// <summary>Parses pycocotools' compact counts string (rleFrString) for a mask of the given size.</summary>
    public static RleMask FromCompressedString(string counts, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var runs = new List<uint>(counts.Length);
        var p = 0;
        while (p < counts.Length)
        {
            long x = 0;
            var k = 0;
            var more = true;
            while (more)
            {
                if (p >= counts.Length)
                    throw new FormatException("RLE counts string ends in the middle of a number.");
                var c = counts[p] - 48;
                if (c is < 0 or > 63)
                    throw new FormatException($"RLE counts string has an invalid character '{counts[p]}' at {p}.");
                if (k > 12)
                    throw new FormatException("RLE counts string has a number that is too long.");
                x |= (long)(c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) x |= -1L << (5 * k);
            }
            if (runs.Count > 2) x += runs[^2];
            if (x is < 0 or > uint.MaxValue)
                throw new FormatException($"RLE counts string decodes to an invalid run length {x}.");
            runs.Add((uint)x);
        }
        return new RleMask(height, width, runs.ToArray());
    }
}
