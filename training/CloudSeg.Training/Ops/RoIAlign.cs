using static TorchSharp.torch;

namespace CloudSeg.Training.Ops;

/// <summary>
/// RoIAlign (Mask R-CNN, He et al. 2017): average of bilinearly interpolated samples on a regular grid inside each
/// output bin, with no quantisation of the region or bin borders. Semantics of torchvision.ops.roi_align:
/// a sample whose y &lt; -1 or y &gt; H (likewise x) contributes 0, one within a pixel of the border is clamped onto it;
/// the average always divides by the full sample count. With <c>aligned</c>, box corners are shifted by -0.5 so a
/// pixel's continuous coordinate is its centre.
/// The samples are taken with grid_sample (bilinear, border padding = torchvision's clamping, align_corners=False),
/// whose native kernel interpolates without materialising the four neighbours and has its own backward; the
/// out-of-range samples are then zeroed and each bin averaged. Boxes get no gradient, as in torchvision.
/// </summary>
public static class RoIAlign
{
    /// <param name="features">(N, C, H, W).</param>
    /// <param name="rois">(K, 5): batch index, x1, y1, x2, y2 in image coordinates.</param>
    /// <param name="spatialScale">Feature-map size / image size, e.g. 1/4 for the stride-4 level.</param>
    /// <returns>(K, C, outputHeight, outputWidth).</returns>
    public static Tensor Apply(Tensor features, Tensor rois, int outputHeight, int outputWidth, double spatialScale,
        int samplingRatio = 2, bool aligned = true) =>
        Apply(features, rois, outputHeight, outputWidth, spatialScale, samplingRatio, aligned, ChannelGroups(features.shape[1]));

    /// <param name="channelGroups">How many slices the channels are sampled in (a divisor of the channel count).</param>
    internal static Tensor Apply(Tensor features, Tensor rois, int outputHeight, int outputWidth, double spatialScale,
        int samplingRatio, bool aligned, long channelGroups)
    {
        if (samplingRatio <= 0)
            throw new ArgumentOutOfRangeException(nameof(samplingRatio), "Only a fixed sampling grid is supported.");
        if (channelGroups <= 0 || features.shape[1] % channelGroups != 0)
            throw new ArgumentOutOfRangeException(nameof(channelGroups), "The channel groups must divide the channels.");
        long roiCount = rois.shape[0], channels = features.shape[1];
        long height = features.shape[2], width = features.shape[3];
        if (roiCount == 0) return zeros(new[] { 0, channels, outputHeight, outputWidth }, features.dtype, features.device);

        using var scope = NewDisposeScope();
        var boxes = rois.detach().to(features.dtype);
        double offset = aligned ? 0.5 : 0.0;
        var x1 = boxes[.., 1] * spatialScale - offset;
        var y1 = boxes[.., 2] * spatialScale - offset;
        var roiWidth = boxes[.., 3] * spatialScale - offset - x1;
        var roiHeight = boxes[.., 4] * spatialScale - offset - y1;
        if (!aligned)
        {
            // The legacy (misaligned) variant forces regions to be at least one feature cell large.
            roiWidth = roiWidth.clamp(min: 1.0);
            roiHeight = roiHeight.clamp(min: 1.0);
        }

        var ys = SamplePositions(y1, roiHeight / outputHeight, outputHeight, samplingRatio);
        var xs = SamplePositions(x1, roiWidth / outputWidth, outputWidth, samplingRatio);
        long sampleRows = ys.shape[1], sampleColumns = xs.shape[1];
        var valid = (ys >= -1.0).logical_and_(ys <= height).unsqueeze(2)
            .logical_and(((xs >= -1.0).logical_and_(xs <= width)).unsqueeze(1));

        // grid_sample's normalised coordinates for align_corners=False: pixel x ↦ (2x + 1) / W - 1.
        var grid = stack(new[]
        {
            ((2 * xs + 1) / width - 1).unsqueeze(1).expand(roiCount, sampleRows, sampleColumns),
            ((2 * ys + 1) / height - 1).unsqueeze(2).expand(roiCount, sampleRows, sampleColumns),
        }, dim: 3);

        // grid_sample pairs grid n with image n, so sample each image's RoIs in one call and restore RoI order after.
        // Its CPU backward runs one thread per batch entry, so each image's channels are split into as many groups
        // as there are threads, all sampled with the same grid: the same work, spread over every core.
        var imageOfRoi = boxes[.., 0].to(int64);
        var samples = new List<Tensor>();
        var order = new List<Tensor>();
        for (long image = 0; image < features.shape[0]; image++)
        {
            var mine = nonzero(imageOfRoi == image).flatten();
            long count = mine.shape[0];
            if (count == 0) continue;
            var imageGrid = grid.index_select(0, mine).view(1, count * sampleRows, sampleColumns, 2)
                .expand(channelGroups, count * sampleRows, sampleColumns, 2);
            var sampled = nn.functional.grid_sample(features[image].view(channelGroups, channels / channelGroups, height, width),
                imageGrid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false);
            samples.Add(sampled.view(channels, count, sampleRows, sampleColumns).transpose(0, 1));
            order.Add(mine);
        }
        var all = cat(samples, dim: 0).index_select(0, argsort(cat(order, dim: 0)));
        all = all * valid.unsqueeze(1).to(features.dtype);

        // Average the samplingRatio × samplingRatio samples of each bin.
        return nn.functional.avg_pool2d(all, samplingRatio, samplingRatio).MoveToOuterDisposeScope();
    }

    /// <summary>The most channel groups, up to the intra-op thread count, that divide the channels evenly.</summary>
    static long ChannelGroups(long channels)
    {
        long groups = Math.Max(1, get_num_threads());
        while (channels % groups != 0) groups--;
        return groups;
    }

    /// <summary>Sample coordinates along one axis for every RoI: bins × samplingRatio of them, bin-major.</summary>
    static Tensor SamplePositions(Tensor start, Tensor binSize, int bins, int samplingRatio)
    {
        var index = arange(bins * samplingRatio, dtype: start.dtype, device: start.device);
        var fractions = (index / samplingRatio).floor() + ((index.remainder(samplingRatio) + 0.5) / samplingRatio);
        return start.unsqueeze(1) + binSize.unsqueeze(1) * fractions.unsqueeze(0);
    }
}
