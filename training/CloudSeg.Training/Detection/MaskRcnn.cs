using CloudSeg.Training.Backbone;
using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// Mask R-CNN (He et al. 2017) with the MaskIoU head of Mask Scoring R-CNN, as a generalized R-CNN:
/// transform → backbone (ResNet + FPN) → RPN → RoI heads → postprocess. Module and parameter names are torchvision's
/// (backbone.body.*, backbone.fpn.*, rpn.head.*, roi_heads.*), so torchvision state dicts load by name.
/// </summary>
public sealed class MaskRcnn : nn.Module, Engine.ITrainableModel
{
    readonly BackboneWithFpn backbone;
    readonly RegionProposalNetwork rpn;
    readonly RoIHeads roi_heads;

    public MaskRcnn(MaskRcnnOptions options) : base(nameof(MaskRcnn))
    {
        Options = options;
        Transform = new GeneralizedRcnnTransform(options.MinSize, options.MaxSize, options.ImageMean, options.ImageStd);
        backbone = new BackboneWithFpn(options.Backbone, options.Norm, options.BackboneWidth, options.FpnChannels,
            options.TrainableBackboneLayers, fpnBatchNorm: options.FpnBatchNorm, stages: options.BackboneStages);
        rpn = new RegionProposalNetwork(options.FpnChannels,
            new AnchorGenerator(options.AnchorSizes, options.AspectRatios), options.Rpn);
        // The RoI heads pool from P2–P5; P6 only serves the RPN's largest anchors.
        roi_heads = new RoIHeads(options.FpnChannels, BackboneWithFpn.Strides.Take(4).ToArray(), options.NumClasses,
            options.RoIHeads);
        RegisterComponents();
    }

    public MaskRcnnOptions Options { get; }
    public GeneralizedRcnnTransform Transform { get; }

    /// <summary>Training forward: the six losses for a batch of (3, H, W) [0, 1] images and their targets.</summary>
    public Dictionary<string, Tensor> ComputeLosses(IReadOnlyList<Tensor> images, IReadOnlyList<DetectionTarget> targets)
    {
        if (images.Count != targets.Count) throw new ArgumentException("One target per image is required.");
        using var scope = NewDisposeScope();
        var (imageList, resizedTargets) = Transform.Apply(images, targets);
        var features = backbone.call(imageList.Tensor);
        var (proposals, losses) = rpn.Forward(imageList, features, resizedTargets);
        var (_, roiLosses) = roi_heads.Forward(features[..4], proposals, imageList.ImageSizes, resizedTargets);
        foreach (var (name, loss) in roiLosses) losses[name] = loss;
        foreach (var loss in losses.Values) loss.MoveToOuterDisposeScope();
        return losses;
    }

    /// <summary>Inference forward (call <c>eval()</c> first): detections per image in its original pixels.</summary>
    public Detections[] Detect(IReadOnlyList<Tensor> images)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (imageList, _) = Transform.Apply(images, null);
        var features = backbone.call(imageList.Tensor);
        var (proposals, _) = rpn.Forward(imageList, features, null);
        var (detections, _) = roi_heads.Forward(features[..4], proposals, imageList.ImageSizes, null);
        var results = detections!.Select((d, i) => GeneralizedRcnnTransform.Postprocess(d, imageList.ImageSizes[i],
            (images[i].shape[1], images[i].shape[2]))).ToArray();
        foreach (var result in results) result.MoveToOuterDisposeScope();
        return results;
    }
}
