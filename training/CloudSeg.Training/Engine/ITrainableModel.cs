using CloudSeg.Training.Detection;
using static TorchSharp.torch;

namespace CloudSeg.Training.Engine;

/// <summary>What the trainer needs of a model family (Mask R-CNN, YOLACT): its named losses on a batch.</summary>
public interface ITrainableModel
{
    /// <summary>Named losses for (3, H, W) [0, 1] images and their targets; the trainer sums them.</summary>
    Dictionary<string, Tensor> ComputeLosses(IReadOnlyList<Tensor> images, IReadOnlyList<DetectionTarget> targets);
}
