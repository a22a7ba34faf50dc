using CloudSeg.Training.Detection;
using static TorchSharp.torch;

namespace CloudSeg.Training.Tests;

/// <summary>
/// The MaskIoU head learns the IoU of the binarized predicted mask with the whole ground-truth object, as Mask Scoring
/// R-CNN's reference implementation computes it: a RoI that covers half an object and predicts that half perfectly
/// scores 0.5, not 1 (the 28×28 target alone cannot tell, it only sees the part inside the RoI).
/// </summary>
public sealed class MaskIouTargetTests
{
    [Fact]
    public void A_roi_that_cuts_the_object_in_half_scores_one_half()
    {
        using var scope = NewDisposeScope();
        // One 10×10 object in a 20×20 picture; RoIs over its left half and over all of it.
        var masks = zeros(1, 20, 20, dtype: uint8);
        masks[0, ..10, ..10] = tensor((byte)1);
        var boxes = tensor(new float[] { 0, 0, 5, 10, 0, 0, 10, 10 }).view(2, 4);

        var fractions = RoIHeads.FractionInside(masks, boxes, zeros(2, dtype: int64));

        Assert.Equal(new[] { 0.5f, 1f }, fractions.data<float>().ToArray());
        // Inside each RoI the prediction equals the resampled target exactly.
        var full = ones(2, 28, 28, dtype: @bool);
        var iou = RoIHeads.MaskIou(full, full, fractions).data<float>().ToArray();
        Assert.Equal(0.5f, iou[0], 1e-6f);
        Assert.Equal(1f, iou[1], 1e-6f);
    }

    [Fact]
    public void Within_the_roi_the_target_is_the_plain_mask_iou()
    {
        using var scope = NewDisposeScope();
        var predicted = zeros(1, 28, 28, dtype: @bool);
        predicted[0, ..14, ..] = tensor(true);
        var groundTruth = zeros(1, 28, 28, dtype: @bool);
        groundTruth[0, 7.., ..] = tensor(true);

        var iou = RoIHeads.MaskIou(predicted, groundTruth, ones(1)).item<float>();

        // Rows 0–13 predicted, 7–27 true: 7 rows shared of the 28 covered by either.
        Assert.Equal(7f / 28f, iou, 1e-6f);
    }
}
