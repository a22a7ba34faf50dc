using CloudSeg.Training.Detection;
using CloudSeg.Training.Ops;
using static TorchSharp.torch;

namespace CloudSeg.Training.Yolact;

/// <summary>
/// YOLACT's training loss (sec. 3 and 4): priors are matched to ground truth (IoU ≥ 0.5 positive, &lt; 0.4 negative,
/// each object's best prior forced positive); class cross-entropy over positives and the hardest negatives, 3 per
/// positive (SSD's OHEM); smooth-L1 on SSD-coded boxes (variances 0.1/0.2) × 1.5; mask BCE of σ(P·c) against the
/// ground-truth mask at prototype resolution, cropped to its box and divided by the box's area, × 6.125; and the
/// auxiliary semantic-segmentation BCE on P3. Box, class and mask losses are divided by the number of positives.
/// </summary>
public sealed class MultiBoxLoss(YolactOptions options)
{
    readonly Matcher _matcher = new(options.PositiveIou, options.NegativeIou, allowLowQualityMatches: true);

    /// <summary>SSD's coding with variances (0.1, 0.1, 0.2, 0.2) is R-CNN's with weights (10, 10, 5, 5).</summary>
    public static BoxCoder Coder { get; } = new(10, 10, 5, 5);

    /// <param name="boxes">(B, P, 4) predicted offsets.</param>
    /// <param name="classes">(B, P, C+1) class logits.</param>
    /// <param name="coefficients">(B, P, k).</param>
    /// <param name="prototypes">(B, k, h, w).</param>
    /// <param name="semantic">(B, C, h3, w3) logits on P3.</param>
    /// <param name="priors">(P, 4) in input pixels.</param>
    /// <param name="targets">Per image, boxes in input pixels and masks (G, S, S) at input size.</param>
    public Dictionary<string, Tensor> Compute(Tensor boxes, Tensor classes, Tensor coefficients, Tensor prototypes, Tensor semantic,
        Tensor priors, IReadOnlyList<DetectionTarget> targets)
    {
        using var scope = NewDisposeScope();
        var batch = targets.Count;
        var (protoH, protoW) = (prototypes.shape[2], prototypes.shape[3]);
        var inputSize = (double)options.ImageSize;
        var boxLoss = zeros(1, device: boxes.device).squeeze();
        var classLoss = zeros(1, device: boxes.device).squeeze();
        var maskLoss = zeros(1, device: boxes.device).squeeze();
        var semanticLoss = zeros(1, device: boxes.device).squeeze();
        long positives = 0;

        for (var b = 0; b < batch; b++)
        {
            var target = targets[b];
            var logits = classes[b];
            var labels = zeros(priors.shape[0], dtype: int64, device: boxes.device);
            if (target.Boxes.shape[0] > 0)
            {
                var matches = _matcher.Match(BoxOps.BoxIou(target.Boxes, priors));
                var matched = matches.clamp(min: 0);
                labels = target.Labels.index_select(0, matched).clone();
                labels.masked_fill_(matches == Matcher.BelowLowThreshold, 0);
                labels.masked_fill_(matches == Matcher.BetweenThresholds, -1);
                var positive = nonzero(labels > 0).flatten();
                positives += positive.shape[0];

                var boxTargets = Coder.Encode(target.Boxes.index_select(0, matched.index_select(0, positive)), priors.index_select(0, positive));
                boxLoss += nn.functional.smooth_l1_loss(boxes[b].index_select(0, positive), boxTargets, reduction: nn.Reduction.Sum);

                maskLoss += MaskLoss(prototypes[b], coefficients[b], positive, matched, target, protoH, protoW, inputSize);
            }
            classLoss += HardNegativeClassLoss(logits, labels);
            semanticLoss += SemanticLoss(semantic[b], target);
        }

        var normaliser = Math.Max(1, positives);
        var losses = new Dictionary<string, Tensor>
        {
            ["yolact_box_loss"] = boxLoss * (options.BoxLossWeight / normaliser),
            ["yolact_class_loss"] = classLoss / normaliser,
            ["yolact_mask_loss"] = maskLoss * (options.MaskLossWeight / normaliser),
            ["yolact_semantic_loss"] = semanticLoss * (options.SemanticLossWeight / batch),
        };
        foreach (var loss in losses.Values) loss.MoveToOuterDisposeScope();
        return losses;
    }

    /// <summary>Cross-entropy summed over positives and the 3·positives negatives with the highest background loss.</summary>
    Tensor HardNegativeClassLoss(Tensor logits, Tensor labels)
    {
        var positive = labels > 0;
        var negative = labels == 0;
        var numPositive = positive.sum().item<long>();
        // Background loss of each prior = logsumexp − background logit; only negatives compete.
        using (no_grad())
        {
            var backgroundLoss = logits.logsumexp(1) - logits[.., 0];
            backgroundLoss = backgroundLoss.masked_fill(negative.logical_not(), float.NegativeInfinity);
            var numNegative = Math.Min(Math.Max(1, numPositive) * options.NegativesPerPositive, negative.sum().item<long>());
            var hardest = backgroundLoss.topk((int)numNegative).indexes;
            negative = zeros_like(negative).index_fill_(0, hardest, true);
        }
        var selected = nonzero(positive.logical_or(negative)).flatten();
        return nn.functional.cross_entropy(logits.index_select(0, selected), labels.index_select(0, selected), reduction: nn.Reduction.Sum);
    }

    Tensor MaskLoss(Tensor prototypes, Tensor coefficients, Tensor positive, Tensor matched, DetectionTarget target, long protoH, long protoW,
        double inputSize)
    {
        if (positive.shape[0] > options.MaxMaskedPositives)
            positive = positive.index_select(0, randperm(positive.shape[0], device: positive.device)[..options.MaxMaskedPositives]);
        if (positive.shape[0] == 0) return zeros(1, device: prototypes.device).squeeze();
        var objects = matched.index_select(0, positive);
        // Ground-truth masks at prototype resolution.
        var gtMasks = nn.functional.interpolate(target.Masks.to_type(float32).unsqueeze(0), size: [protoH, protoW],
            mode: InterpolationMode.Bilinear, align_corners: false).squeeze(0).gt(0.5).to_type(float32);
        var masks = gtMasks.index_select(0, objects);
        var cellBoxes = target.Boxes.index_select(0, objects) * tensor(new[] { protoW / inputSize, protoH / inputSize, protoW / inputSize, protoH / inputSize }, dtype: float32, device: prototypes.device);
        var logits = MaskAssembly.Logits(prototypes, coefficients.index_select(0, positive));
        var perPixel = nn.functional.binary_cross_entropy_with_logits(logits, masks, reduction: nn.Reduction.None);
        var cropped = MaskAssembly.Crop(perPixel, cellBoxes);
        var area = ((cellBoxes[.., 2] - cellBoxes[.., 0]) * (cellBoxes[.., 3] - cellBoxes[.., 1])).clamp(min: 1);
        return (cropped.sum([1, 2]) / area).sum();
    }

    /// <summary>Per class, BCE of the P3 logits against the union of that class's masks, averaged over the cells.</summary>
    Tensor SemanticLoss(Tensor logits, DetectionTarget target)
    {
        var (c, h, w) = (logits.shape[0], logits.shape[1], logits.shape[2]);
        var goal = zeros(c, h, w, device: logits.device);
        if (target.Boxes.shape[0] > 0)
        {
            var masks = nn.functional.interpolate(target.Masks.to_type(float32).unsqueeze(0), size: [h, w],
                mode: InterpolationMode.Bilinear, align_corners: false).squeeze(0).gt(0.5).to_type(float32);
            for (var i = 0; i < target.Labels.shape[0]; i++)
            {
                var cls = target.Labels[i].item<long>() - 1;
                goal[cls] = maximum(goal[cls], masks[i]);
            }
        }
        return nn.functional.binary_cross_entropy_with_logits(logits, goal, reduction: nn.Reduction.Sum) / (h * w);
    }
}
