using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// Assigns every prediction (anchor or proposal) the ground-truth box it overlaps most. IoU ≥ high: that box's index;
/// IoU &lt; low: <see cref="BelowLowThreshold"/> (background); in between: <see cref="BetweenThresholds"/> (ignored).
/// With low-quality matches allowed (the RPN), each ground truth also keeps the predictions that overlap it best even
/// below the high threshold, so no object goes without a positive anchor (Faster R-CNN, sec. 3.1.2).
/// </summary>
public sealed class Matcher
{
    public const long BelowLowThreshold = -1;
    public const long BetweenThresholds = -2;

    readonly double _high, _low;
    readonly bool _allowLowQualityMatches;

    public Matcher(double highThreshold, double lowThreshold, bool allowLowQualityMatches)
    {
        if (lowThreshold > highThreshold) throw new ArgumentException("The low threshold must not exceed the high one.");
        (_high, _low, _allowLowQualityMatches) = (highThreshold, lowThreshold, allowLowQualityMatches);
    }

    /// <param name="matchQuality">(G, P) IoU of every ground truth with every prediction; G ≥ 1.</param>
    /// <returns>(P) int64: ground-truth index, or one of the negative codes.</returns>
    public Tensor Match(Tensor matchQuality)
    {
        using var scope = NewDisposeScope();
        var (matchedValues, matches) = matchQuality.max(0);
        var allMatches = matches.clone();
        matches.masked_fill_(matchedValues < _low, BelowLowThreshold);
        matches.masked_fill_((matchedValues >= _low).logical_and_(matchedValues < _high), BetweenThresholds);

        if (_allowLowQualityMatches)
        {
            // Every prediction tied for the best IoU with some ground truth gets its original match back.
            var bestPerGroundTruth = matchQuality.max(1).values;
            var isBest = (matchQuality == bestPerGroundTruth.unsqueeze(1)).any(0);
            matches = where(isBest, allMatches, matches);
        }
        return matches.MoveToOuterDisposeScope();
    }
}
