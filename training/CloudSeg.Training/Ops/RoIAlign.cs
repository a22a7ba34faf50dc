using static TorchSharp.torch;

namespace CloudSeg.Training.Ops;

/// <summary>
/// RoIAlign (Mask R-CNN, He et al. 2017): average of bilinearly interpolated samples on a regular grid inside each
/// output bin, with no quantisation of the region or bin borders. Semantics of torchvision.ops.roi_align:
/// a sample whose y &lt; -1 or y &gt; H (likewise x) contributes 0, one within a pixel of the border is clamped onto it;
/// the average always divides by the full sample count. With <c>aligned</c>, box corners are shifted by -0.5 so a
/// pixel's continuous coordinate is its centre.
/// Built from tensor ops (four gathers and a weighted sum), so autograd provides the backward to the features.
/// Boxes get no gradient, as in torchvision.
/// </summary>
public static class RoIAlign
{
    /// <param name="features">(N, C, H, W).</param>
    /// <param name="rois">(K, 5): batch index, x1, y1, x2, y2 in image coordinates.</param>
    /// <param name="spatialScale">Feature-map size / image size, e.g. 1/4 for the stride-4 level.</param>
    /// <returns>(K, C, outputHeight, outputWidth).</returns>
    public static Tensor Apply(Tensor features, Tensor rois, int outputHeight, int outputWidth, double spatialScale,
        int samplingRatio = 2, bool aligned = true)
    {
        if (samplingRatio <= 0)
            throw new ArgumentOutOfRangeException(nameof(samplingRatio), "Only a fixed sampling grid is supported.");
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

        var (yLow, yHigh, yLowWeight, yHighWeight, yValid) =
            SampleAxis(y1, roiHeight / outputHeight, outputHeight, samplingRatio, height);
        var (xLow, xHigh, xLowWeight, xHighWeight, xValid) =
            SampleAxis(x1, roiWidth / outputWidth, outputWidth, samplingRatio, width);

        // Gather the four neighbours of every (y sample, x sample) pair from channels-last features.
        var flatFeatures = features.permute(0, 2, 3, 1).reshape(-1, channels);
        var imageOffset = (boxes[.., 0].to(int64) * (height * width)).view(-1, 1, 1);
        Tensor Gather(Tensor ys, Tensor xs) =>
            flatFeatures.index_select(0, (imageOffset + ys.unsqueeze(2) * width + xs.unsqueeze(1)).flatten())
                .view(roiCount, ys.shape[1], xs.shape[1], channels);

        var xLowW = xLowWeight.view(roiCount, 1, -1, 1);
        var xHighW = xHighWeight.view(roiCount, 1, -1, 1);
        var top = Gather(yLow, xLow) * xLowW + Gather(yLow, xHigh) * xHighW;
        var bottom = Gather(yHigh, xLow) * xLowW + Gather(yHigh, xHigh) * xHighW;
        var valid = (yValid.unsqueeze(2) & xValid.unsqueeze(1)).unsqueeze(3).to(features.dtype);
        var samples = (top * yLowWeight.view(roiCount, -1, 1, 1) + bottom * yHighWeight.view(roiCount, -1, 1, 1)) * valid;

        // Average the samplingRatio × samplingRatio samples of each bin.
        var pooled = samples.view(roiCount, outputHeight, samplingRatio, outputWidth, samplingRatio, channels)
            .mean(new long[] { 2, 4 });
        return pooled.permute(0, 3, 1, 2).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Sample coordinates along one axis for every RoI — bins × samplingRatio of them, bin-major — turned into the two
    /// neighbouring indices, their interpolation weights and whether the sample lies close enough to the map to count.
    /// </summary>
    static (Tensor Low, Tensor High, Tensor LowWeight, Tensor HighWeight, Tensor Valid) SampleAxis(
        Tensor start, Tensor binSize, int bins, int samplingRatio, long size)
    {
        var fractions = arange(bins * samplingRatio, dtype: start.dtype, device: start.device)
            .div_(samplingRatio).floor_()
            .add_((arange(bins * samplingRatio, dtype: start.dtype, device: start.device).remainder_(samplingRatio) + 0.5) / samplingRatio);
        var coordinate = start.unsqueeze(1) + binSize.unsqueeze(1) * fractions.unsqueeze(0);
        var valid = (coordinate >= -1.0).logical_and_(coordinate <= size);

        var clamped = coordinate.clamp(min: 0.0);
        var floor = clamped.floor();
        var atLastCell = floor >= size - 1;
        var low = floor.clamp(max: size - 1);
        // On the last cell torchvision snaps the sample onto it, so both neighbours are that cell with weight 1.
        var position = where(atLastCell, low, clamped);
        var high = (low + 1).clamp(max: size - 1);
        var highWeight = position - low;
        return (low.to(int64), high.to(int64), 1.0 - highWeight, highWeight, valid);
    }
}
