using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// Detections of one image, in its original pixel coordinates: boxes (K, 4), labels (K) int64, box scores (K),
/// mask probabilities (K, 1, 28, 28) inside each box (to be pasted into the image, as torchvision's
/// paste_masks_in_image does), and the MaskIoU head's predicted mask IoU (K), or null without that head.
/// </summary>
public sealed record Detections(Tensor Boxes, Tensor Labels, Tensor Scores, Tensor Masks, Tensor? MaskIou)
{
    /// <summary>Keeps every tensor alive past the current dispose scope (results leave the forward's scope).</summary>
    public Detections MoveToOuterDisposeScope()
    {
        Boxes.MoveToOuterDisposeScope();
        Labels.MoveToOuterDisposeScope();
        Scores.MoveToOuterDisposeScope();
        Masks.MoveToOuterDisposeScope();
        MaskIou?.MoveToOuterDisposeScope();
        return this;
    }
}
