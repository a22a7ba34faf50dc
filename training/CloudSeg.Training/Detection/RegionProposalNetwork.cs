using CloudSeg.Training.Ops;
using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// Region Proposal Network (Faster R-CNN, Ren et al. 2015): scores every anchor for "object vs background" and
/// regresses it into a proposal; keeps the best proposals per level, clips them, drops tiny ones and removes
/// duplicates with NMS per level. In training, anchors are labelled with a 0.7/0.3 IoU matcher, 256 are sampled per
/// image at up to 50 % positives, and the losses are binary cross-entropy and smooth-L1 (β = 1/9) on the positives,
/// normalised by the number of sampled anchors.
/// </summary>
public sealed class RegionProposalNetwork : nn.Module
{
    readonly RpnHead head;
    readonly AnchorGenerator _anchorGenerator;
    readonly BoxCoder _boxCoder = BoxCoder.ForRpn();
    readonly Matcher _matcher;
    readonly BalancedPositiveNegativeSampler _sampler;
    readonly RpnOptions _options;

    public RegionProposalNetwork(long inChannels, AnchorGenerator anchorGenerator, RpnOptions options)
        : base(nameof(RegionProposalNetwork))
    {
        _anchorGenerator = anchorGenerator;
        _options = options;
        _matcher = new Matcher(options.ForegroundIouThreshold, options.BackgroundIouThreshold, allowLowQualityMatches: true);
        _sampler = new BalancedPositiveNegativeSampler(options.BatchSizePerImage, options.PositiveFraction);
        head = new RpnHead(inChannels, anchorGenerator.AnchorsPerLocation, options.ConvDepth);
        RegisterComponents();
    }

    /// <summary>Proposals (detached, K_i × 4 per image) and, in training, the RPN losses.</summary>
    public (Tensor[] Proposals, Dictionary<string, Tensor> Losses) Forward(ImageList images, Tensor[] features,
        IReadOnlyList<DetectionTarget>? targets)
    {
        using var scope = NewDisposeScope();
        var (objectnessPerLevel, deltasPerLevel) = head.call(features);
        var anchors = _anchorGenerator.Generate(images.Tensor.shape[2], images.Tensor.shape[3], features);
        int imageCount = (int)images.Tensor.shape[0];
        long[] anchorsPerLevel = objectnessPerLevel.Select(o => o.shape[1] * o.shape[2] * o.shape[3]).ToArray();

        // (N, A, H, W) → (N, H·W·A): the anchor order of the generator (cells row-major, ratios innermost).
        var objectness = cat(objectnessPerLevel.Select(o => o.permute(0, 2, 3, 1).reshape(imageCount, -1)).ToList(), dim: 1);
        var deltas = cat(deltasPerLevel.Select(d =>
        {
            long a = d.shape[1] / 4;
            return d.view(imageCount, a, 4, d.shape[2], d.shape[3]).permute(0, 3, 4, 1, 2).reshape(imageCount, -1, 4);
        }).ToList(), dim: 1);

        var proposals = _boxCoder.Decode(deltas.detach().reshape(-1, 4), anchors.repeat(imageCount, 1))
            .view(imageCount, -1, 4);
        var boxes = FilterProposals(proposals, objectness.detach(), images.ImageSizes, anchorsPerLevel);

        var losses = new Dictionary<string, Tensor>();
        if (targets is not null)
        {
            var (classLoss, boxLoss) = ComputeLoss(objectness, deltas, anchors, targets);
            losses["rpn_class_loss"] = classLoss.MoveToOuterDisposeScope();
            losses["rpn_bbox_loss"] = boxLoss.MoveToOuterDisposeScope();
        }
        foreach (var box in boxes) box.MoveToOuterDisposeScope();
        return (boxes, losses);
    }

    int PreNmsTopN => training ? _options.PreNmsTopNTrain : _options.PreNmsTopNTest;
    int PostNmsTopN => training ? _options.PostNmsTopNTrain : _options.PostNmsTopNTest;

    Tensor[] FilterProposals(Tensor proposals, Tensor objectness, IReadOnlyList<(long Height, long Width)> imageSizes,
        long[] anchorsPerLevel)
    {
        // Top-N per level first: cheap, and keeps coarse levels from being crowded out by the many fine-level anchors.
        var selected = new List<Tensor>();
        var levels = new List<Tensor>();
        long offset = 0;
        for (int level = 0; level < anchorsPerLevel.Length; level++)
        {
            var levelScores = objectness[.., (int)offset..(int)(offset + anchorsPerLevel[level])];
            int topN = (int)Math.Min(PreNmsTopN, anchorsPerLevel[level]);
            selected.Add(levelScores.topk(topN, dim: 1).indexes + offset);
            levels.Add(full(topN, level, dtype: int64));
            offset += anchorsPerLevel[level];
        }
        var topIndices = cat(selected, dim: 1);
        var levelOfEach = cat(levels, dim: 0);

        var results = new Tensor[proposals.shape[0]];
        for (int image = 0; image < results.Length; image++)
        {
            var index = topIndices[image];
            var boxes = BoxOps.ClipBoxesToImage(proposals[image].index_select(0, index),
                imageSizes[image].Height, imageSizes[image].Width);
            var scores = objectness[image].index_select(0, index).sigmoid();
            var imageLevels = levelOfEach;

            var keep = BoxOps.RemoveSmallBoxes(boxes, _options.MinSize);
            (boxes, scores, imageLevels) = (boxes[keep], scores[keep], imageLevels[keep]);
            keep = nonzero(scores >= _options.ScoreThreshold).flatten();
            (boxes, scores, imageLevels) = (boxes[keep], scores[keep], imageLevels[keep]);

            keep = NonMaximumSuppression.BatchedNms(boxes, scores, imageLevels, _options.NmsThreshold);
            keep = keep[..(int)Math.Min(PostNmsTopN, keep.shape[0])];
            results[image] = boxes[keep];
        }
        return results;
    }

    (Tensor ClassLoss, Tensor BoxLoss) ComputeLoss(Tensor objectness, Tensor deltas, Tensor anchors,
        IReadOnlyList<DetectionTarget> targets)
    {
        var sampledPositive = new List<Tensor>();
        var sampledNegative = new List<Tensor>();
        var labels = new List<Tensor>();
        var regressionTargets = new List<Tensor>();
        long anchorCount = anchors.shape[0];
        for (int image = 0; image < targets.Count; image++)
        {
            var groundTruth = targets[image].Boxes;
            Tensor imageLabels, matchedBoxes;
            if (groundTruth.shape[0] == 0)
            {
                imageLabels = zeros(anchorCount);
                matchedBoxes = zeros_like(anchors);
            }
            else
            {
                var matches = _matcher.Match(BoxOps.BoxIou(groundTruth, anchors));
                matchedBoxes = groundTruth.index_select(0, matches.clamp(min: 0));
                imageLabels = (matches >= 0).to(float32);
                imageLabels.masked_fill_(matches == Matcher.BetweenThresholds, -1);
            }
            var (positive, negative) = _sampler.Sample(imageLabels);
            sampledPositive.Add(positive + image * anchorCount);
            sampledNegative.Add(negative + image * anchorCount);
            labels.Add(imageLabels);
            regressionTargets.Add(_boxCoder.Encode(matchedBoxes, anchors));
        }

        var positives = cat(sampledPositive, dim: 0);
        var sampled = cat(new[] { positives, cat(sampledNegative, dim: 0) }, dim: 0);
        var flatDeltas = deltas.reshape(-1, 4);
        var boxLoss = nn.functional.smooth_l1_loss(flatDeltas.index_select(0, positives),
            cat(regressionTargets, dim: 0).index_select(0, positives), reduction: nn.Reduction.Sum, beta: 1.0 / 9)
            / sampled.shape[0];
        var classLoss = nn.functional.binary_cross_entropy_with_logits(objectness.flatten().index_select(0, sampled),
            cat(labels, dim: 0).index_select(0, sampled));
        return (classLoss, boxLoss);
    }
}
