using static TorchSharp.torch;

namespace CloudSeg.Training.Yolact;

/// <summary>YOLACT detections of one image in its original pixels: boxes (K, 4), labels (K) int64 (1..C), scores (K),
/// and mask probabilities (K, H, W) at the image's size, already cropped to their boxes.</summary>
public sealed record YolactDetections(Tensor Boxes, Tensor Labels, Tensor Scores, Tensor Masks)
{
    public YolactDetections MoveToOuterDisposeScope()
    {
        Boxes.MoveToOuterDisposeScope();
        Labels.MoveToOuterDisposeScope();
        Scores.MoveToOuterDisposeScope();
        Masks.MoveToOuterDisposeScope();
        return this;
    }
}
