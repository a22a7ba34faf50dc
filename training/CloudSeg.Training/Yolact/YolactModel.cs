using CloudSeg.Training.Backbone;
using CloudSeg.Training.Detection;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Yolact;

/// <summary>
/// YOLACT (Bolya et al. 2019): the ResNet + FPN backbone shared with Mask R-CNN gives P3–P5, two stride-2 3×3 convs
/// add P6 and P7; the <see cref="Protonet"/> turns P3 into k prototypes while the shared <see cref="PredictionHead"/>
/// gives, per prior, box offsets, class logits and mask coefficients; a 1×1 conv on P3 gives the auxiliary semantic
/// segmentation used only in training. Inference decodes, runs <see cref="FastNms"/> and assembles masks.
/// </summary>
public sealed class YolactModel : nn.Module, Engine.ITrainableModel
{
    readonly BackboneWithFpn backbone;
    readonly ModuleList<Conv2d> downsample_layers;
    readonly Protonet proto_net;
    readonly PredictionHead prediction_layers;
    readonly Conv2d semantic_seg_conv;
    readonly MultiBoxLoss _loss;
    readonly float[] _mean, _std;
    Tensor? _priors;
    (long, long)[]? _priorLevels;

    public YolactModel(YolactOptions options) : base(nameof(YolactModel))
    {
        Options = options;
        backbone = new BackboneWithFpn(options.Backbone, options.Norm, options.BackboneWidth, options.FpnChannels, options.TrainableBackboneLayers,
            firstLevel: 3, stages: options.BackboneStages);
        downsample_layers = nn.ModuleList(
            nn.Conv2d(options.FpnChannels, options.FpnChannels, 3, stride: 2, padding: 1),
            nn.Conv2d(options.FpnChannels, options.FpnChannels, 3, stride: 2, padding: 1));
        proto_net = new Protonet(options.FpnChannels, options.HeadChannels, options.PrototypeCount);
        prediction_layers = new PredictionHead(options.FpnChannels, options.HeadChannels, options.AspectRatios.Length, options.NumClasses,
            options.PrototypeCount);
        semantic_seg_conv = nn.Conv2d(options.FpnChannels, options.NumClasses - 1, 1);
        _loss = new MultiBoxLoss(options);
        _mean = options.ImageMean.Select(v => (float)v).ToArray();
        _std = options.ImageStd.Select(v => (float)v).ToArray();
        RegisterComponents();
    }

    public YolactOptions Options { get; }

    /// <summary>The network on a (B, 3, S, S) normalised batch: per-prior boxes, class logits, coefficients; the
    /// prototypes; the P3 semantic logits; and the pyramid levels' sizes (for the priors).</summary>
    public (Tensor Boxes, Tensor Classes, Tensor Coefficients, Tensor Prototypes, Tensor Semantic, (long, long)[] Levels) Forward(Tensor batch)
    {
        using var scope = NewDisposeScope();
        // The shared backbone, its FPN started at C3, gives P3–P5 (P5 subsampled from P4 when the body ends at C4) and a
        // subsampled P6 for the RPN's anchors; YOLACT makes its own P6 and P7 by stride-2 convs.
        var pyramid = backbone.call(batch);
        var levels = new List<Tensor> { pyramid[0], pyramid[1], pyramid[2] };
        foreach (var layer in downsample_layers) levels.Add(layer.call(levels[^1]));
        var prototypes = proto_net.call(levels[0]);
        var (boxes, classes, coefficients) = prediction_layers.call(levels.ToArray());
        var semantic = semantic_seg_conv.call(levels[0]);
        var sizes = levels.Select(l => (l.shape[2], l.shape[3])).ToArray();
        return (boxes.MoveToOuterDisposeScope(), classes.MoveToOuterDisposeScope(), coefficients.MoveToOuterDisposeScope(),
            prototypes.MoveToOuterDisposeScope(), semantic.MoveToOuterDisposeScope(), sizes);
    }

    /// <summary>Priors for the given level sizes, cached (they only depend on the input size).</summary>
    public Tensor Priors((long, long)[] levels, Device device)
    {
        if (_priors is null || _priorLevels is null || !_priorLevels.SequenceEqual(levels) || _priors.device != device)
        {
            _priors?.Dispose();
            // Kept across calls, so out of the caller's dispose scope; disposed with the model.
            using (var scope = NewDisposeScope())
                _priors = PriorGenerator.Generate(levels, Options.ImageSize, Options.PriorScales, Options.AspectRatios).to(device).DetachFromDisposeScope();
            _priorLevels = levels;
        }
        return _priors;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _priors?.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Training forward: YOLACT's four losses for (3, H, W) [0, 1] images and their targets.</summary>
    public Dictionary<string, Tensor> ComputeLosses(IReadOnlyList<Tensor> images, IReadOnlyList<DetectionTarget> targets)
    {
        if (images.Count != targets.Count) throw new ArgumentException("One target per image is required.");
        using var scope = NewDisposeScope();
        var batch = Preprocess(images);
        var (boxes, classes, coefficients, prototypes, semantic, levels) = Forward(batch);
        var scaled = targets.Select((t, i) => t with { Boxes = t.Boxes * ToInput(images[i]) }).ToList();
        var losses = _loss.Compute(boxes, classes, coefficients, prototypes, semantic, Priors(levels, batch.device), scaled);
        foreach (var loss in losses.Values) loss.MoveToOuterDisposeScope();
        return losses;
    }

    /// <summary>
    /// Per image, what the exported graph outputs (call <c>eval()</c> first): every prior's decoded box clipped to the
    /// S×S input, its class probabilities without the background, its coefficients, and the image's prototypes.
    /// </summary>
    public (Tensor Boxes, Tensor Scores, Tensor Coefficients, Tensor Prototypes)[] Candidates(IReadOnlyList<Tensor> images)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (boxes, classes, coefficients, prototypes, _, levels) = Forward(Preprocess(images));
        var priors = Priors(levels, boxes.device);
        return Enumerable.Range(0, images.Count).Select(b => (
            MultiBoxLoss.Coder.Decode(boxes[b], priors).clamp(0, Options.ImageSize).MoveToOuterDisposeScope(),
            nn.functional.softmax(classes[b], -1)[.., 1..].MoveToOuterDisposeScope(),
            coefficients[b].MoveToOuterDisposeScope(),
            prototypes[b].MoveToOuterDisposeScope())).ToArray();
    }

    /// <summary>Inference forward (call <c>eval()</c> first): detections per image in its original pixels.</summary>
    public YolactDetections[] Detect(IReadOnlyList<Tensor> images)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var candidates = Candidates(images);
        var results = new YolactDetections[images.Count];
        for (var b = 0; b < images.Count; b++)
        {
            var (height, width) = (images[b].shape[1], images[b].shape[2]);
            var (decoded, scores, coefficients, prototypes) = candidates[b];
            var (keep, labels, kept) = FastNms.Apply(decoded, scores, Options.ScoreThreshold, Options.NmsIouThreshold, Options.NmsTopK, Options.MaxDetections);
            var imageBoxes = decoded.index_select(0, keep) / ToInput(images[b]);
            // Assembled at prototype resolution, upsampled, then cropped in image pixels: the same order as the C#
            // assembly the served model uses (PrototypeMaskAssembly), so a mask never spills out of its box.
            var logits = MaskAssembly.Logits(prototypes, coefficients.index_select(0, keep));
            var imageLogits = logits.shape[0] == 0
                ? zeros(0, height, width)
                : nn.functional.interpolate(logits.unsqueeze(0), size: [height, width], mode: InterpolationMode.Bilinear, align_corners: false).squeeze(0);
            var imageMasks = MaskAssembly.Crop(sigmoid(imageLogits), imageBoxes);
            results[b] = new YolactDetections(imageBoxes, labels + 1, kept, imageMasks).MoveToOuterDisposeScope();
        }
        return results;
    }

    /// <summary>Input pixels per image pixel along x, y, x, y.</summary>
    Tensor ToInput(Tensor image) => tensor(new[]
    {
        Options.ImageSize / (float)image.shape[2], Options.ImageSize / (float)image.shape[1],
        Options.ImageSize / (float)image.shape[2], Options.ImageSize / (float)image.shape[1],
    }, device: image.device);

    /// <summary>Resize to S×S (bilinear) and normalise with the ImageNet mean/std.</summary>
    Tensor Preprocess(IReadOnlyList<Tensor> images)
    {
        using var scope = NewDisposeScope();
        var device = images[0].device;
        var mean = tensor(_mean, device: device).view(-1, 1, 1);
        var std = tensor(_std, device: device).view(-1, 1, 1);
        var resized = images.Select(image => nn.functional.interpolate(((image - mean) / std).unsqueeze(0), size: [Options.ImageSize, Options.ImageSize],
            mode: InterpolationMode.Bilinear, align_corners: false)).ToArray();
        return cat(resized, 0).MoveToOuterDisposeScope();
    }
}
