using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// Picks a fixed-size minibatch of labelled predictions per image with at most a given fraction of positives, filling
/// the rest with negatives, uniformly at random (Fast R-CNN's 25 % foreground RoIs; Faster R-CNN's 1:1 anchors).
/// Without it the loss would be swamped by the easy background.
/// </summary>
public sealed class BalancedPositiveNegativeSampler
{
    readonly int _batchSizePerImage;
    readonly double _positiveFraction;

    public BalancedPositiveNegativeSampler(int batchSizePerImage, double positiveFraction) =>
        (_batchSizePerImage, _positiveFraction) = (batchSizePerImage, positiveFraction);

    /// <param name="labels">(P) per prediction: ≥ 1 positive, 0 negative, -1 ignored.</param>
    /// <returns>Indices (int64) of the sampled positives and negatives.</returns>
    public (Tensor Positive, Tensor Negative) Sample(Tensor labels)
    {
        using var scope = NewDisposeScope();
        var positive = nonzero(labels >= 1).flatten();
        var negative = nonzero(labels == 0).flatten();
        long positiveCount = Math.Min(positive.shape[0], (long)(_batchSizePerImage * _positiveFraction));
        long negativeCount = Math.Min(negative.shape[0], _batchSizePerImage - positiveCount);
        var sampledPositive = positive.index_select(0, randperm(positive.shape[0])[..(int)positiveCount]);
        var sampledNegative = negative.index_select(0, randperm(negative.shape[0])[..(int)negativeCount]);
        return (sampledPositive.MoveToOuterDisposeScope(), sampledNegative.MoveToOuterDisposeScope());
    }
}
