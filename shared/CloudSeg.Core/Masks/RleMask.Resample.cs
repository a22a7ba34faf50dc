namespace CloudSeg.Core.Masks;

public sealed partial class RleMask
{
    /// <summary>
    /// This mask at another size, by nearest neighbour (each output pixel takes the source pixel under its centre):
    /// e.g. a full-size result mask drawn on a picture decoded smaller. Reads the runs; never decodes the full mask.
    /// </summary>
    public RleMask Resample(int height, int width)
    {
        if (height == Height && width == Width) return this;
        var mask = new byte[height * width];
        if (Height > 0 && Width > 0 && height > 0 && width > 0)
        {
            // Output columns by the source column under their centre.
            var columns = new List<int>?[Width];
            for (var x = 0; x < width; x++)
            {
                var source = Math.Min(Width - 1, (int)((x + 0.5) * Width / width));
                (columns[source] ??= []).Add(x);
            }
            double scale = (double)height / Height;
            foreach (var (x, y, length) in ForegroundRuns())
            {
                if (columns[x] is not { } targets) continue;
                // Output rows whose centre falls on source rows [y, y + length).
                var first = Math.Max(0, (int)Math.Ceiling(y * scale - 0.5));
                var end = Math.Min(height, (int)Math.Ceiling((y + length) * scale - 0.5));
                foreach (var target in targets)
                    for (var row = first; row < end; row++)
                        mask[row * width + target] = 1;
            }
        }
        return Encode(mask, height, width);
    }
}
