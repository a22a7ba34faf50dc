namespace CloudSeg.Core.Masks;

public sealed partial class RleMask
{
    // pycocotools rasterises on a grid 5× finer than the pixels, then samples the boundary at pixel centres.
    private const double PolygonUpsample = 5;

    /// <summary>
    /// Rasterises COCO polygon segmentation ([x0, y0, x1, y1, ...] per polygon) exactly as pycocotools'
    /// <c>frPyObjects</c> followed by <c>merge</c> (annToRLE). Like frPyObjects, when the first entry has exactly four
    /// numbers the entries are read as [x, y, w, h] boxes instead of polygons.
    /// </summary>
    public static RleMask FromPolygons(IEnumerable<double[]> polygons, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(polygons);
        var list = polygons.ToList();
        if (list.Count == 0) return Empty(height, width);
        var asBoxes = list[0].Length == 4;
        return Merge(list.Select(p => asBoxes ? FromBox(p[0], p[1], p[2], p[3], height, width) : FromPolygon(p, height, width)));
    }

    /// <summary>A COCO box [x, y, w, h] rasterised as pycocotools' <c>frBbox</c> (a four-corner polygon).</summary>
    public static RleMask FromBox(double x, double y, double boxWidth, double boxHeight, int height, int width)
    {
        double xe = x + boxWidth, ye = y + boxHeight;
        return FromPolygon([x, y, x, ye, xe, ye, xe, y], height, width);
    }

    /// <summary>One polygon [x0, y0, x1, y1, ...] rasterised as pycocotools' <c>rleFrPoly</c>.</summary>
    public static RleMask FromPolygon(ReadOnlySpan<double> xy, int height, int width)
    {
        var k = xy.Length / 2;
        if (k == 0) return Empty(height, width);

        // Vertices on the fine grid, closed.
        var x = new int[k + 1];
        var y = new int[k + 1];
        for (var j = 0; j < k; j++)
        {
            x[j] = (int)(PolygonUpsample * xy[j * 2] + .5);
            y[j] = (int)(PolygonUpsample * xy[j * 2 + 1] + .5);
        }
        x[k] = x[0];
        y[k] = y[0];

        // Dense boundary points along each edge, stepping along the longer axis.
        var points = 0;
        for (var j = 0; j < k; j++) points += Math.Max(Math.Abs(x[j] - x[j + 1]), Math.Abs(y[j] - y[j + 1])) + 1;
        var u = new int[points];
        var v = new int[points];
        var m = 0;
        for (var j = 0; j < k; j++)
        {
            int xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
            int dx = Math.Abs(xe - xs), dy = Math.Abs(ys - ye);
            var flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip)
            {
                (xs, xe) = (xe, xs);
                (ys, ye) = (ye, ys);
            }
            var s = dx >= dy ? (double)(ye - ys) / dx : (double)(xe - xs) / dy;
            if (dx >= dy)
            {
                for (var d = 0; d <= dx; d++)
                {
                    var t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int)(ys + s * t + .5);
                    m++;
                }
            }
            else
            {
                for (var d = 0; d <= dy; d++)
                {
                    var t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int)(xs + s * t + .5);
                    m++;
                }
            }
        }

        // Where the boundary crosses a pixel-centre column, record the first pixel row inside: a toggle point.
        var toggles = new List<uint>(points / 4 + 1);
        for (var j = 1; j < m; j++)
        {
            if (u[j] == u[j - 1]) continue;
            double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
            xd = (xd + .5) / PolygonUpsample - .5;
            if (Math.Floor(xd) != xd || xd < 0 || xd > width - 1) continue;
            double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
            yd = (yd + .5) / PolygonUpsample - .5;
            if (yd < 0) yd = 0;
            else if (yd > height) yd = height;
            yd = Math.Ceiling(yd);
            toggles.Add((uint)((int)xd * height + (int)yd));
        }
        toggles.Add((uint)((long)height * width));
        toggles.Sort();

        // Toggle positions become run lengths; a zero-length run merges its neighbours.
        var a = new uint[toggles.Count];
        uint previous = 0;
        for (var j = 0; j < a.Length; j++)
        {
            a[j] = toggles[j] - previous;
            previous = toggles[j];
        }
        var counts = new List<uint>(a.Length) { a[0] };
        for (var j = 1; j < a.Length;)
        {
            if (a[j] > 0)
            {
                counts.Add(a[j++]);
            }
            else
            {
                j++;
                if (j < a.Length) counts[^1] += a[j++];
            }
        }
        return new RleMask(height, width, counts.ToArray());
    }
}
