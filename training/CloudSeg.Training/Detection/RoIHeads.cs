using CloudSeg.Training.Ops;
using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// The second stage of Mask R-CNN on the RPN's proposals: RoIAlign from the FPN levels, then
/// the box branch (Fast R-CNN: classify each RoI and refine its box per class), the mask branch (a 28×28 binary mask
/// per class, trained only on the ground-truth class) and the MaskIoU branch of Mask Scoring R-CNN.
/// In training, ground-truth boxes join the proposals, each proposal is matched at IoU 0.5 and 512 are sampled per
/// image at up to 25 % foreground; the mask and MaskIoU branches see only the positive RoIs.
/// </summary>
public sealed class RoIHeads : nn.Module
{
    // Field names are torchvision's (roi_heads.box_head, .box_predictor, .mask_head, .mask_predictor).
    readonly nn.Module<Tensor, Tensor> box_head;
    readonly FastRcnnPredictor box_predictor;
    readonly MaskRcnnHeads mask_head;
    readonly MaskRcnnPredictor mask_predictor;
    readonly MaskIouHead? maskiou_head;

    readonly MultiScaleRoIAlign _boxRoiPool, _maskRoiPool, _boxDetectPool, _maskDetectPool;
    readonly BoxCoder _boxCoder = BoxCoder.ForRoiHeads();
    readonly Matcher _matcher;
    readonly BalancedPositiveNegativeSampler _sampler;
    readonly RoIHeadsOptions _options;
    const int MaskSize = 2 * RoIHeadsOptions.MaskRoiSize;

    public RoIHeads(long channels, IReadOnlyList<int> pooledStrides, int numClasses, RoIHeadsOptions options)
        : base(nameof(RoIHeads))
    {
        _options = options;
        _matcher = new Matcher(options.ForegroundIouThreshold, options.BackgroundIouThreshold, allowLowQualityMatches: false);
        _sampler = new BalancedPositiveNegativeSampler(options.BatchSizePerImage, options.PositiveFraction);
        _boxRoiPool = new MultiScaleRoIAlign(RoIHeadsOptions.BoxRoiSize, pooledStrides, RoIHeadsOptions.SamplingRatio, options.AlignedRoIAlign);
        _maskRoiPool = new MultiScaleRoIAlign(RoIHeadsOptions.MaskRoiSize, pooledStrides, RoIHeadsOptions.SamplingRatio, options.AlignedRoIAlign);
        var detectSampling = options.InferenceSamplingRatio ?? RoIHeadsOptions.SamplingRatio;
        _boxDetectPool = new MultiScaleRoIAlign(RoIHeadsOptions.BoxRoiSize, pooledStrides, detectSampling, options.AlignedRoIAlign);
        _maskDetectPool = new MultiScaleRoIAlign(RoIHeadsOptions.MaskRoiSize, pooledStrides, detectSampling, options.AlignedRoIAlign);

        box_head = options.BoxHeadConvLayers == 0
            ? new TwoMlpHead(channels * RoIHeadsOptions.BoxRoiSize * RoIHeadsOptions.BoxRoiSize, options.RepresentationSize)
            : new FastRcnnConvFcHead(channels, RoIHeadsOptions.BoxRoiSize,
                Enumerable.Repeat((long)options.BoxHeadConvChannels, options.BoxHeadConvLayers).ToArray(), [options.RepresentationSize],
                options.HeadsBatchNorm);
        box_predictor = new FastRcnnPredictor(options.RepresentationSize, numClasses);
        mask_head = new MaskRcnnHeads(channels, Enumerable.Repeat((long)options.MaskLayerChannels, options.MaskLayers).ToArray(),
            options.HeadsBatchNorm);
        mask_predictor = new MaskRcnnPredictor(mask_head.OutChannels, options.MaskDimReduced, numClasses);
        if (options.MaskIouHead)
            maskiou_head = new MaskIouHead(mask_head.OutChannels, options.MaskIouConvChannels, options.MaskIouFcChannels,
                numClasses, RoIHeadsOptions.MaskRoiSize);
        RegisterComponents();
    }

    /// <param name="features">P2–P5 (the RoI heads do not pool from P6).</param>
    /// <param name="proposals">Per image (K_i, 4), in the resized image's coordinates.</param>
    /// <returns>Detections per image in resized coordinates (inference), or the losses (training).</returns>
    public (Detections[]? Detections, Dictionary<string, Tensor> Losses) Forward(Tensor[] features, Tensor[] proposals,
        IReadOnlyList<(long Height, long Width)> imageSizes, IReadOnlyList<DetectionTarget>? targets)
    {
        if (targets is null) return (Detect(features, proposals, imageSizes), new Dictionary<string, Tensor>());
        using var scope = NewDisposeScope();
        var losses = ComputeLosses(features, proposals, targets);
        foreach (var loss in losses.Values) loss.MoveToOuterDisposeScope();
        return (null, losses);
    }

    Dictionary<string, Tensor> ComputeLosses(Tensor[] features, Tensor[] proposals, IReadOnlyList<DetectionTarget> targets)
    {
        var samples = Enumerable.Range(0, proposals.Length)
            .Select(i => SampleProposals(proposals[i], targets[i])).ToArray();

        // Box branch.
        var boxFeatures = box_head.call(_boxRoiPool.Forward(features, samples.Select(s => s.Proposals).ToArray()));
        var (classLogits, boxRegression) = box_predictor.call(boxFeatures);
        var labels = cat(samples.Select(s => s.Labels).ToList(), dim: 0);
        var regressionTargets = cat(samples.Select(s => s.RegressionTargets).ToList(), dim: 0);
        var losses = new Dictionary<string, Tensor>
        {
            ["fastrcnn_class_loss"] = nn.functional.cross_entropy(classLogits, labels),
        };
        var positive = nonzero(labels > 0).flatten();
        var positiveLabels = labels.index_select(0, positive);
        var positiveDeltas = boxRegression.reshape(boxRegression.shape[0], -1, 4)
            .index_select(0, positive)[arange(positive.shape[0]), positiveLabels];
        // Normalised by all sampled RoIs, not just positives, as in torchvision.
        losses["fastrcnn_bbox_loss"] = nn.functional.smooth_l1_loss(positiveDeltas,
            regressionTargets.index_select(0, positive), reduction: nn.Reduction.Sum, beta: 1.0 / 9) / labels.shape[0];

        // Mask branch, on the positive RoIs only.
        var maskProposals = new Tensor[samples.Length];
        var maskTargets = new List<Tensor>();
        var insideFractions = new List<Tensor>();
        for (int image = 0; image < samples.Length; image++)
        {
            var imagePositive = nonzero(samples[image].Labels > 0).flatten();
            maskProposals[image] = samples[image].Proposals.index_select(0, imagePositive);
            var matched = samples[image].MatchedIndices.index_select(0, imagePositive);
            maskTargets.Add(ProjectMasksOnBoxes(targets[image].Masks, maskProposals[image], matched));
            if (maskiou_head is not null) insideFractions.Add(FractionInside(targets[image].Masks, maskProposals[image], matched));
        }
        var maskFeatures = mask_head.call(_maskRoiPool.Forward(features, maskProposals));
        var maskLogits = mask_predictor.call(maskFeatures);
        var maskTarget = cat(maskTargets, dim: 0);
        long positiveCount = maskLogits.shape[0];
        if (positiveCount == 0)
        {
            // Keep the graph connected so every loss has a gradient, even without positives.
            losses["maskrcnn_mask_loss"] = maskLogits.sum() * 0;
            if (maskiou_head is not null) losses["maskiou_loss"] = maskLogits.sum() * 0;
            return losses;
        }
        var trueClassLogits = maskLogits[arange(positiveCount), positiveLabels];
        losses["maskrcnn_mask_loss"] = nn.functional.binary_cross_entropy_with_logits(trueClassLogits, maskTarget);

        if (maskiou_head is not null)
        {
            // The MaskIoU head judges the mask, it must not shape it: the mask input and the target carry no gradient.
            var maskProbabilities = trueClassLogits.detach().sigmoid();
            var predictedIou = maskiou_head.call(maskFeatures, maskProbabilities)[arange(positiveCount), positiveLabels];
            losses["maskiou_loss"] = nn.functional.mse_loss(predictedIou,
                MaskIou(maskProbabilities > 0.5, maskTarget >= 0.5, cat(insideFractions, dim: 0)));
        }
        return losses;
    }

    sealed record ProposalSample(Tensor Proposals, Tensor Labels, Tensor MatchedIndices, Tensor RegressionTargets);

    ProposalSample SampleProposals(Tensor proposals, DetectionTarget target)
    {
        var groundTruth = target.Boxes;
        // Ground-truth boxes are added as proposals so every object has perfectly matched positives from step one.
        proposals = cat(new[] { proposals, groundTruth.to(proposals.dtype) }, dim: 0);
        Tensor matchedIndices, labels;
        if (groundTruth.shape[0] == 0)
        {
            matchedIndices = zeros(proposals.shape[0], dtype: int64);
            labels = zeros(proposals.shape[0], dtype: int64);
        }
        else
        {
            var matches = _matcher.Match(BoxOps.BoxIou(groundTruth, proposals));
            matchedIndices = matches.clamp(min: 0);
            labels = target.Labels.index_select(0, matchedIndices);
            labels.masked_fill_(matches == Matcher.BelowLowThreshold, 0);
            labels.masked_fill_(matches == Matcher.BetweenThresholds, -1);
        }
        var (positive, negative) = _sampler.Sample(labels);
        var sampled = cat(new[] { positive, negative }, dim: 0);
        var sampledProposals = proposals.index_select(0, sampled);
        var sampledMatches = matchedIndices.index_select(0, sampled);
        var matchedBoxes = groundTruth.shape[0] == 0 ? zeros_like(sampledProposals) : groundTruth.index_select(0, sampledMatches);
        return new ProposalSample(sampledProposals, labels.index_select(0, sampled), sampledMatches,
            _boxCoder.Encode(matchedBoxes, sampledProposals));
    }

    /// <summary>
    /// Mask targets: each positive RoI's ground-truth mask cropped and resampled to 28×28 with RoIAlign, in the same
    /// alignment as the feature pooling, so target and prediction cover the same region.
    /// </summary>
    Tensor ProjectMasksOnBoxes(Tensor groundTruthMasks, Tensor boxes, Tensor matchedIndices)
    {
        if (boxes.shape[0] == 0) return zeros(0, MaskSize, MaskSize);
        var rois = cat(new[] { matchedIndices.unsqueeze(1).to(boxes.dtype), boxes }, dim: 1);
        return RoIAlign.Apply(groundTruthMasks.unsqueeze(1).to(float32), rois, MaskSize, MaskSize, 1.0,
            RoIHeadsOptions.SamplingRatio, _options.AlignedRoIAlign).squeeze(1);
    }

    /// <summary>
    /// The MaskIoU target of Mask Scoring R-CNN (its reference implementation's maskiou targets): IoU of the binarized
    /// (R, 28, 28) predicted masks with the whole ground-truth objects, not only their parts inside the RoIs. The
    /// object's full area, in the RoI's 28×28 units, is the area inside divided by the fraction of the object inside
    /// the RoI, so a RoI that cuts the object off cannot score as a perfect mask. 0 where both are empty.
    /// </summary>
    internal static Tensor MaskIou(Tensor predicted, Tensor groundTruth, Tensor fractionInside)
    {
        var intersection = (predicted & groundTruth).sum(new long[] { 1, 2 }).to(float32);
        var groundTruthInside = groundTruth.sum(new long[] { 1, 2 }).to(float32);
        var groundTruthFull = where(fractionInside > 0, groundTruthInside / fractionInside.clamp(min: 1e-6), groundTruthInside);
        var union = predicted.sum(new long[] { 1, 2 }).to(float32) + groundTruthFull - intersection;
        return intersection / union.clamp(min: 1);
    }

    /// <summary>Fraction of each matched ground-truth mask's pixels (centres) that lie inside its RoI box.</summary>
    internal static Tensor FractionInside(Tensor groundTruthMasks, Tensor boxes, Tensor matchedIndices)
    {
        if (boxes.shape[0] == 0) return zeros(0);
        var masks = groundTruthMasks.index_select(0, matchedIndices).to(float32);
        var ys = (arange(masks.shape[1], dtype: float32) + 0.5f).view(1, -1);
        var xs = (arange(masks.shape[2], dtype: float32) + 0.5f).view(1, -1);
        var b = boxes.to(float32);
        var rows = (ys >= b[.., 1].unsqueeze(1)) & (ys < b[.., 3].unsqueeze(1));
        var columns = (xs >= b[.., 0].unsqueeze(1)) & (xs < b[.., 2].unsqueeze(1));
        var inside = (rows.unsqueeze(2) & columns.unsqueeze(1)).to(float32);
        return (masks * inside).sum(new long[] { 1, 2 }) / masks.sum(new long[] { 1, 2 }).clamp(min: 1);
    }

    Detections[] Detect(Tensor[] features, Tensor[] proposals, IReadOnlyList<(long Height, long Width)> imageSizes)
    {
        using var scope = NewDisposeScope();
        var boxFeatures = box_head.call(_boxDetectPool.Forward(features, proposals));
        var (classLogits, boxRegression) = box_predictor.call(boxFeatures);
        long numClasses = classLogits.shape[1];
        var allBoxes = _boxCoder.Decode(boxRegression, cat(proposals, dim: 0)).view(-1, numClasses, 4);
        var allScores = nn.functional.softmax(classLogits, -1);

        var results = new Detections[proposals.Length];
        long offset = 0;
        for (int image = 0; image < proposals.Length; image++)
        {
            long count = proposals[image].shape[0];
            var (height, width) = imageSizes[image];
            var boxes = BoxOps.ClipBoxesToImage(allBoxes[(int)offset..(int)(offset + count)], height, width);
            var scores = allScores[(int)offset..(int)(offset + count)];
            offset += count;

            // One candidate per (RoI, foreground class), as in torchvision.
            var labels = arange(numClasses, dtype: int64).view(1, -1).expand_as(scores);
            boxes = boxes[.., 1..].reshape(-1, 4);
            scores = scores[.., 1..].reshape(-1);
            labels = labels[.., 1..].reshape(-1);

            var keep = nonzero(scores > _options.ScoreThreshold).flatten();
            (boxes, scores, labels) = (boxes[keep], scores[keep], labels[keep]);
            keep = BoxOps.RemoveSmallBoxes(boxes, 1e-2);
            (boxes, scores, labels) = (boxes[keep], scores[keep], labels[keep]);
            keep = NonMaximumSuppression.BatchedNms(boxes, scores, labels, _options.NmsThreshold);
            keep = keep[..(int)Math.Min(_options.DetectionsPerImage, keep.shape[0])];
            results[image] = new Detections(boxes[keep], labels[keep], scores[keep], null!, null);
        }

        var maskFeatures = mask_head.call(_maskDetectPool.Forward(features, results.Select(r => r.Boxes).ToArray()));
        var maskLogits = mask_predictor.call(maskFeatures);
        var detectedLabels = cat(results.Select(r => r.Labels).ToList(), dim: 0);
        long detectionCount = detectedLabels.shape[0];
        var maskProbabilities = maskLogits[arange(detectionCount), detectedLabels].sigmoid();
        Tensor? maskIou = maskiou_head is null || detectionCount == 0
            ? (maskiou_head is null ? null : zeros(0))
            : maskiou_head.call(maskFeatures, maskProbabilities)[arange(detectionCount), detectedLabels];

        offset = 0;
        for (int image = 0; image < results.Length; image++)
        {
            int count = (int)results[image].Boxes.shape[0];
            var range = TensorIndex.Slice(offset, offset + count);
            results[image] = results[image] with
            {
                Masks = maskProbabilities[range].unsqueeze(1),
                MaskIou = maskIou?[range],
            };
            offset += count;
        }
        foreach (var result in results) result.MoveToOuterDisposeScope();
        return results;
    }
}
