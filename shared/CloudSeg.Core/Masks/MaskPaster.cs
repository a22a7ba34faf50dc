using CloudSeg.Core.Geometry;

namespace CloudSeg.Core.Masks;

/// <summary>
/// Pastes a low-resolution mask probability map (Mask R-CNN's M×M mask head output) into a full image, in one of two
/// geometries (<see cref="MaskPasteMode"/>): torchvision's or the half-pixel-aligned one that matches masks trained
/// on aligned RoIAlign targets.
/// The result is written straight into column-major runs; only one column of the box is ever held as floats.
/// </summary>
public static class MaskPaster
{
    private const int Padding = 1;
    private const int StackLimit = 4096;

    /// <param name="maskProbs">M×M probabilities, row-major.</param>
    /// <param name="maskSize">M.</param>
    /// <param name="box">The detection box in image pixels.</param>
    /// <param name="threshold">A pixel is foreground when its pasted probability is strictly greater.</param>
    public static RleMask Paste(ReadOnlySpan<float> maskProbs, int maskSize, BoxF box, int imageHeight, int imageWidth, float threshold,
        MaskPasteMode mode = MaskPasteMode.Torchvision)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maskSize);
        ArgumentOutOfRangeException.ThrowIfNegative(imageHeight);
        ArgumentOutOfRangeException.ThrowIfNegative(imageWidth);
        if (maskProbs.Length != maskSize * maskSize)
            throw new ArgumentException($"Expected {maskSize}x{maskSize} = {maskSize * maskSize} probabilities, got {maskProbs.Length}.", nameof(maskProbs));
        return mode == MaskPasteMode.Aligned
            ? PasteAligned(maskProbs, maskSize, box, imageHeight, imageWidth, threshold)
            : PasteTorchvision(maskProbs, maskSize, box, imageHeight, imageWidth, threshold);
    }

    /// <summary>
    /// torchvision's <c>paste_masks_in_image</c>: the map is zero-padded by one pixel, the box is expanded by the same
    /// ratio ((M + 2) / M) about its centre and truncated to integers, the padded map is bilinearly resized
    /// (align_corners = False) to the integer box size, thresholded, and clipped to the image.
    /// </summary>
    private static RleMask PasteTorchvision(ReadOnlySpan<float> maskProbs, int maskSize, BoxF box, int imageHeight, int imageWidth, float threshold)
    {
        // Pixels outside the box are 0 in torchvision's pasted image.
        var outside = 0f > threshold;
        var region = IntegerBox(box, maskSize);
        if (region is null)
            return Uniform(outside, imageHeight, imageWidth);
        var (bx0, by0, bx1, by1) = region.Value;

        // The resized map covers [bx0, bx1] × [by0, by1] (inclusive); only its part inside the image is pasted.
        var boxWidth = (int)Math.Max(bx1 - bx0 + 1, 1);
        var boxHeight = (int)Math.Max(by1 - by0 + 1, 1);
        var x0 = (int)Math.Max(bx0, 0);
        var x1 = (int)Math.Min(bx1 + 1, imageWidth);
        var y0 = (int)Math.Max(by0, 0);
        var y1 = (int)Math.Min(by1 + 1, imageHeight);
        if (x0 >= x1 || y0 >= y1)
            return Uniform(outside, imageHeight, imageWidth);

        var padded = maskSize + 2 * Padding;
        Span<float> input = padded * padded <= StackLimit ? stackalloc float[padded * padded] : new float[padded * padded];
        input.Clear();
        for (var r = 0; r < maskSize; r++)
            maskProbs.Slice(r * maskSize, maskSize).CopyTo(input.Slice((r + Padding) * padded + Padding, maskSize));

        // Vertical taps are the same for every column: compute them once for the visible rows.
        var rows = y1 - y0;
        var rowTaps = new LinearTap[rows];
        var scaleY = (float)padded / boxHeight;
        for (var r = 0; r < rows; r++)
            rowTaps[r] = LinearTap.For(scaleY, (int)(y0 - by0) + r, padded);

        var scaleX = (float)padded / boxWidth;
        return Resample(input, padded, x0, x1, y0, rowTaps, x => LinearTap.For(scaleX, (int)(x - bx0), padded),
            imageHeight, imageWidth, threshold);
    }

    /// <summary>
    /// The map spans the box exactly, as an aligned RoIAlign target does: cell j's centre lies at x1 + (j + ½)·w/M, and
    /// every image pixel is sampled at its centre, bilinearly, with zeros beyond the map (Detectron2's paste). Unlike
    /// torchvision's paste, which truncates the box to whole pixels, it keeps sub-pixel box positions, which decide the
    /// IoU of small objects.
    /// </summary>
    private static RleMask PasteAligned(ReadOnlySpan<float> maskProbs, int maskSize, BoxF box, int imageHeight, int imageWidth, float threshold)
    {
        var outside = 0f > threshold;
        var binWidth = (box.X2 - box.X1) / maskSize;
        var binHeight = (box.Y2 - box.Y1) / maskSize;
        if (!(binWidth > 0) || !(binHeight > 0) || !float.IsFinite(box.X1) || !float.IsFinite(box.Y1) ||
            !float.IsFinite(binWidth) || !float.IsFinite(binHeight))
            return Uniform(outside, imageHeight, imageWidth);

        // A pixel more than one cell outside the box samples only zeros.
        var x0 = (int)Math.Clamp(Math.Floor(box.X1 - binWidth), 0, imageWidth);
        var x1 = (int)Math.Clamp(Math.Ceiling(box.X2 + binWidth), 0, imageWidth);
        var y0 = (int)Math.Clamp(Math.Floor(box.Y1 - binHeight), 0, imageHeight);
        var y1 = (int)Math.Clamp(Math.Ceiling(box.Y2 + binHeight), 0, imageHeight);
        if (x0 >= x1 || y0 >= y1)
            return Uniform(outside, imageHeight, imageWidth);

        var rowTaps = new LinearTap[y1 - y0];
        for (var r = 0; r < rowTaps.Length; r++)
            rowTaps[r] = LinearTap.AtPixelCentre(y0 + r, box.Y1, binHeight, maskSize);

        return Resample(maskProbs, maskSize, x0, x1, y0, rowTaps, x => LinearTap.AtPixelCentre(x, box.X1, binWidth, maskSize),
            imageHeight, imageWidth, threshold);
    }

    /// <summary>
    /// Bilinearly resamples a square map into the image region [x0, x1) × rows y0 … y0 + rowTaps − 1, thresholded
    /// straight into column-major runs; outside the region every pixel is 0. Each image column first blends two map
    /// columns, then each row two entries of that blend: torchvision's order of operations, so the same floats.
    /// </summary>
    private static RleMask Resample(ReadOnlySpan<float> map, int mapSize, int x0, int x1, int y0, LinearTap[] rowTaps,
        Func<int, LinearTap> columnTap, int imageHeight, int imageWidth, float threshold)
    {
        var outside = 0f > threshold;
        Span<float> column = mapSize <= StackLimit ? stackalloc float[mapSize] : new float[mapSize];
        var builder = new RleBuilder();
        builder.Add(outside, (long)x0 * imageHeight);
        for (var x = x0; x < x1; x++)
        {
            var tap = columnTap(x);
            for (var row = 0; row < mapSize; row++)
                column[row] = map[row * mapSize + tap.Index0] * tap.Weight0 + map[row * mapSize + tap.Index1] * tap.Weight1;

            builder.Add(outside, y0);
            foreach (var rowTap in rowTaps)
            {
                var value = column[rowTap.Index0] * rowTap.Weight0 + column[rowTap.Index1] * rowTap.Weight1;
                builder.Add(value > threshold, 1);
            }
            builder.Add(outside, imageHeight - y0 - rowTaps.Length);
        }
        builder.Add(outside, (long)(imageWidth - x1) * imageHeight);
        return builder.Build(imageHeight, imageWidth);
    }

    /// <summary>torchvision's expand_boxes with scale (M + 2) / M in float32, then truncation to int64.</summary>
    private static (long X0, long Y0, long X1, long Y1)? IntegerBox(BoxF box, int maskSize)
    {
        var scale = (float)((double)(maskSize + 2 * Padding) / maskSize);
        var halfWidth = (box.X2 - box.X1) * 0.5f * scale;
        var halfHeight = (box.Y2 - box.Y1) * 0.5f * scale;
        var centreX = (box.X2 + box.X1) * 0.5f;
        var centreY = (box.Y2 + box.Y1) * 0.5f;
        float left = centreX - halfWidth, right = centreX + halfWidth, top = centreY - halfHeight, bottom = centreY + halfHeight;
        if (!float.IsFinite(left) || !float.IsFinite(right) || !float.IsFinite(top) || !float.IsFinite(bottom))
            return null;
        // Boxes far outside any image: nothing to paste (and avoids overflow below).
        const float limit = 1 << 30;
        if (Math.Abs(left) > limit || Math.Abs(right) > limit || Math.Abs(top) > limit || Math.Abs(bottom) > limit)
            return null;
        return ((long)left, (long)top, (long)right, (long)bottom);
    }

    private static RleMask Uniform(bool value, int height, int width)
    {
        var builder = new RleBuilder();
        builder.Add(value, (long)height * width);
        return builder.Build(height, width);
    }

    /// <summary>One output position's two source samples and weights (PyTorch upsample_bilinear2d, align_corners = False).</summary>
    private readonly record struct LinearTap(int Index0, int Index1, float Weight0, float Weight1)
    {
        public static LinearTap For(float scale, int outputIndex, int inputSize)
        {
            // PyTorch computes the source position in double and stores it as float.
            var source = (float)(scale * (outputIndex + 0.5) - 0.5);
            if (source < 0) source = 0;
            var index = Math.Min((int)MathF.Floor(source), inputSize - 1);
            var lambda = Math.Min(Math.Max(source - index, 0f), 1f);
            var next = index < inputSize - 1 ? index + 1 : index;
            return new LinearTap(index, next, 1f - lambda, lambda);
        }

        /// <summary>Pixel <paramref name="pixel"/>'s centre on a map of <paramref name="cells"/> cells starting at
        /// <paramref name="start"/>; a neighbour off the map gets weight 0 (grid_sample's zero padding).</summary>
        public static LinearTap AtPixelCentre(int pixel, float start, float cellSize, int cells)
        {
            var position = Math.Clamp((pixel + 0.5 - start) / cellSize - 0.5, -2.0, cells + 1.0);
            var index = (int)Math.Floor(position);
            var lambda = (float)(position - index);
            bool firstOnMap = index >= 0 && index < cells, secondOnMap = index + 1 >= 0 && index + 1 < cells;
            return new LinearTap(firstOnMap ? index : 0, secondOnMap ? index + 1 : 0,
                firstOnMap ? 1f - lambda : 0f, secondOnMap ? lambda : 0f);
        }
    }
}

/// <summary>Where a low-resolution mask lies relative to its box when pasted (the geometry its training targets had).</summary>
public enum MaskPasteMode
{
    /// <summary>torchvision's paste_masks_in_image: for models trained the torchvision way (legacy RoIAlign).</summary>
    Torchvision,

    /// <summary>The map spans the box exactly, sampled at pixel centres: for models trained on aligned RoIAlign targets.</summary>
    Aligned,
}
