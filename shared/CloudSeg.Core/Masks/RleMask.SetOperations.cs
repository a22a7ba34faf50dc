namespace CloudSeg.Core.Masks;

public sealed partial class RleMask
{
    /// <summary>
    /// Mask IoU with pycocotools <c>iou</c> semantics: <paramref name="detection"/> against <paramref name="groundTruth"/>;
    /// with <paramref name="iscrowd"/> the union is the detection's area alone (a detection inside a crowd region
    /// scores by how much of it lies in the crowd). Masks that do not overlap, or empty ones, give 0.
    /// </summary>
    public static double IoU(RleMask detection, RleMask groundTruth, bool iscrowd = false)
    {
        ArgumentNullException.ThrowIfNull(detection);
        ArgumentNullException.ThrowIfNull(groundTruth);
        if (detection.Height != groundTruth.Height || detection.Width != groundTruth.Width)
            throw new ArgumentException($"Mask sizes differ: {detection.Height}x{detection.Width} vs {groundTruth.Height}x{groundTruth.Width}.");

        // Cheap rejection by bounding boxes first, as pycocotools does.
        var (dx, dy, dw, dh) = detection.BboxXywh();
        var (gx, gy, gw, gh) = groundTruth.BboxXywh();
        if (Math.Min(dx + dw, gx + gw) - Math.Max(dx, gx) <= 0 || Math.Min(dy + dh, gy + gh) - Math.Max(dy, gy) <= 0)
            return 0;

        long intersection = 0, union = 0;
        Walk(detection.Counts, groundTruth.Counts, (length, a, b) =>
        {
            if (a || b) union += length;
            if (a && b) intersection += length;
        });
        if (intersection == 0) return 0;
        if (iscrowd) union = detection.Area;
        return (double)intersection / union;
    }

    /// <summary>Union (or intersection) of masks of one size, pycocotools <c>merge</c>.</summary>
    public static RleMask Merge(IEnumerable<RleMask> masks, bool intersect = false)
    {
        ArgumentNullException.ThrowIfNull(masks);
        RleMask? result = null;
        foreach (var mask in masks)
        {
            if (result is null)
            {
                result = mask;
                continue;
            }
            if (mask.Height != result.Height || mask.Width != result.Width)
                throw new ArgumentException($"Mask sizes differ: {result.Height}x{result.Width} vs {mask.Height}x{mask.Width}.");
            var builder = new RleBuilder(result.Counts.Length + mask.Counts.Length);
            Walk(result.Counts, mask.Counts, (length, a, b) => builder.Add(intersect ? a && b : a || b, length));
            result = builder.Build(result.Height, result.Width);
        }
        return result ?? throw new ArgumentException("At least one mask is needed.", nameof(masks));
    }

    public RleMask Union(RleMask other) => Merge([this, other]);

    public RleMask Intersect(RleMask other) => Merge([this, other], intersect: true);

    /// <summary>Walks two run lists of equal total length in lockstep, reporting each common segment and both values.</summary>
    private static void Walk(uint[] first, uint[] second, Action<long, bool, bool> segment)
    {
        int i = 0, j = 0;
        long leftA = first.Length > 0 ? first[0] : 0, leftB = second.Length > 0 ? second[0] : 0;
        bool a = false, b = false;
        while (true)
        {
            while (leftA == 0 && i + 1 < first.Length)
            {
                leftA = first[++i];
                a = !a;
            }
            while (leftB == 0 && j + 1 < second.Length)
            {
                leftB = second[++j];
                b = !b;
            }
            if (leftA == 0 || leftB == 0) return;
            var length = Math.Min(leftA, leftB);
            segment(length, a, b);
            leftA -= length;
            leftB -= length;
        }
    }
}
