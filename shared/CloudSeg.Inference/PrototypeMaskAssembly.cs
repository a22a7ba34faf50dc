using CloudSeg.Core.Geometry;
using CloudSeg.Core.Masks;

namespace CloudSeg.Inference;

/// <summary>
/// YOLACT's mask assembly for one instance, as YOLACT and YOLO-seg graphs leave it to the caller: the mask logits are
/// the instance's coefficients times the k prototypes, sampled bilinearly at each image pixel's centre, cropped to the
/// instance's box and thresholded (sigmoid(logit) &gt; t, i.e. logit &gt; logit(t)). Only the prototype cells under the
/// box are combined, and the mask is written straight as column-major runs, so no full-size map is ever allocated.
/// </summary>
public static class PrototypeMaskAssembly
{
    /// <param name="prototypes">k × height × width prototype planes.</param>
    /// <param name="coefficients">The instance's k coefficients.</param>
    /// <param name="box">The instance's box in image pixels; pixels whose centre lies outside it are background.</param>
    /// <param name="toPrototype">Maps an image coordinate (continuous, pixel edges at integers) to a prototype coordinate:
    /// p = image · Scale + Offset, per axis.</param>
    public static RleMask Assemble(ReadOnlySpan<float> prototypes, int height, int width, ReadOnlySpan<float> coefficients, BoxF box,
        (double ScaleX, double OffsetX, double ScaleY, double OffsetY) toPrototype, int imageWidth, int imageHeight, float threshold)
    {
        var k = coefficients.Length;
        if (prototypes.Length != (long)k * height * width)
            throw new InvalidDataException($"Prototypes hold {prototypes.Length} values, expected {k}×{height}×{width}.");
        if (threshold is <= 0f or >= 1f)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The mask threshold must lie strictly between 0 and 1.");
        var logitThreshold = MathF.Log(threshold / (1f - threshold));

        // Pixels whose centre x + 0.5 lies in [X1, X2).
        int x0 = Math.Clamp((int)Math.Ceiling(box.X1 - 0.5f), 0, imageWidth), x1 = Math.Clamp((int)Math.Ceiling(box.X2 - 0.5f), 0, imageWidth);
        int y0 = Math.Clamp((int)Math.Ceiling(box.Y1 - 0.5f), 0, imageHeight), y1 = Math.Clamp((int)Math.Ceiling(box.Y2 - 0.5f), 0, imageHeight);
        if (x0 >= x1 || y0 >= y1) return RleMask.Empty(imageHeight, imageWidth);

        var (u0, u1, fu) = Samples(x0, x1, toPrototype.ScaleX, toPrototype.OffsetX, width);
        var (v0, v1, fv) = Samples(y0, y1, toPrototype.ScaleY, toPrototype.OffsetY, height);
        // The prototype window the box samples from, combined once.
        int left = u0.Min(), right = u1.Max(), top = v0.Min(), bottom = v1.Max();
        int windowWidth = right - left + 1, windowHeight = bottom - top + 1;
        var logits = new float[windowWidth * windowHeight];
        var plane = height * width;
        for (var c = 0; c < k; c++)
        {
            var weight = coefficients[c];
            if (weight == 0f) continue;
            var prototype = prototypes.Slice(c * plane, plane);
            for (var v = 0; v < windowHeight; v++)
            {
                var source = prototype.Slice((top + v) * width + left, windowWidth);
                var target = logits.AsSpan(v * windowWidth, windowWidth);
                for (var u = 0; u < windowWidth; u++) target[u] += weight * source[u];
            }
        }

        var runs = new RunWriter();
        runs.Add(false, (long)x0 * imageHeight);
        for (var x = x0; x < x1; x++)
        {
            runs.Add(false, y0);
            int ua = u0[x - x0] - left, ub = u1[x - x0] - left;
            float wb = fu[x - x0], wa = 1f - wb;
            for (var y = y0; y < y1; y++)
            {
                int va = (v0[y - y0] - top) * windowWidth, vb = (v1[y - y0] - top) * windowWidth;
                float gb = fv[y - y0], ga = 1f - gb;
                var logit = ga * (wa * logits[va + ua] + wb * logits[va + ub]) + gb * (wa * logits[vb + ua] + wb * logits[vb + ub]);
                runs.Add(logit > logitThreshold, 1);
            }
            runs.Add(false, imageHeight - y1);
        }
        runs.Add(false, (long)(imageWidth - x1) * imageHeight);
        return RleMask.FromUncompressed(runs.Finish(), imageHeight, imageWidth);
    }

    /// <summary>For pixels [from, to): the two prototype cells and the weight of the second, at the pixel centre
    /// (cell centres at integer + 0.5, clamped at the border as bilinear upsampling with align_corners=False does).</summary>
    private static (int[] Lower, int[] Upper, float[] Weight) Samples(int from, int to, double scale, double offset, int size)
    {
        var n = to - from;
        var lower = new int[n];
        var upper = new int[n];
        var weight = new float[n];
        for (var i = 0; i < n; i++)
        {
            var p = Math.Clamp((from + i + 0.5) * scale + offset - 0.5, 0, size - 1);
            var l = (int)p;
            lower[i] = l;
            upper[i] = Math.Min(l + 1, size - 1);
            weight[i] = (float)(p - l);
        }
        return (lower, upper, weight);
    }

    /// <summary>Column-major run lengths, first run background, equal neighbours merged.</summary>
    private sealed class RunWriter
    {
        private bool _value;
        private long _run;
        private readonly List<long> _counts = [];

        public void Add(bool value, long length)
        {
            if (length <= 0) return;
            if (value != _value)
            {
                _counts.Add(_run);
                _value = value;
                _run = 0;
            }
            _run += length;
        }

        public List<long> Finish()
        {
            _counts.Add(_run);
            return _counts;
        }
    }
}
