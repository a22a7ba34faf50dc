namespace CloudSeg.Training.Export;

/// <summary>
/// The mask branch at inference (torchvision's MaskRCNNHeads + MaskRCNNPredictor + maskrcnn_inference):
/// 14×14 RoIAlign on the detected boxes, four 3×3 conv(+batch norm in v2)+ReLU, 2× transposed conv + ReLU, 1×1 conv to one mask per
/// class, sigmoid, and the mask of each detection's own class.
/// </summary>
public static class MaskHeadEmitter
{
    private const int PooledSize = 14;

    /// <summary>The mask head's output features [D, C, 14, 14] (the MaskIoU head's input) and the mask probabilities [D, 1, 28, 28] of the detected class.</summary>
    public sealed record MaskBranch(string HeadFeatures, string Probabilities);

    public static MaskBranch Emit(OnnxGraphBuilder g, StateDictWeights w, InferenceGraphConfig config, IReadOnlyList<string> features, long channels, GraphDetections detections)
    {
        var x = RoIAlignEmitter.Emit(g, features, channels, detections.Boxes, PooledSize, config.RoIAlignAligned, config.RoIAlignSamplingRatio);
        for (var layer = 0; w.Has($"{LayerPrefix(w, layer)}.weight"); layer++)
        {
            var prefix = LayerPrefix(w, layer);
            var (weight, bias) = w.ConvNorm(Block(w, layer));
            x = g.Relu(g.Conv(x, weight, bias, 1, padding: w[$"{prefix}.weight"].shape[^1] / 2));
        }
        var headFeatures = x;
        x = g.Relu(g.ConvTranspose(x, w.Initializer("roi_heads.mask_predictor.conv5_mask.weight"), w.Initializer("roi_heads.mask_predictor.conv5_mask.bias"), 2));
        var logits = g.Conv(x, w.Initializer("roi_heads.mask_predictor.mask_fcn_logits.weight"), w.Initializer("roi_heads.mask_predictor.mask_fcn_logits.bias"), 1, 0);

        // mask_prob[arange(D), labels][:, None]
        var rows = g.Range(g.Scalar(0L), g.Squeeze(g.Dim(detections.Labels, 0), 0), g.Scalar(1L));
        var pairs = g.Concat(1, g.Unsqueeze(rows, 1), g.Unsqueeze(detections.Labels, 1));
        var probabilities = g.Unsqueeze(g.GatherND(g.Sigmoid(logits), pairs), 1);
        return new MaskBranch(headFeatures, probabilities);
    }

    /// <summary>torchvision ≥ 0.13 names the head's convs "mask_head.{i}.0" (a Conv2dNormActivation, batch norm
    /// "mask_head.{i}.1" in v2), older ones "mask_head.mask_fcn{i+1}".</summary>
    private static string Block(StateDictWeights w, int layer) =>
        w.Has($"roi_heads.mask_head.mask_fcn{layer + 1}.weight") ? $"roi_heads.mask_head.mask_fcn{layer + 1}" : $"roi_heads.mask_head.{layer}";

    private static string LayerPrefix(StateDictWeights w, int layer) => w.ConvPrefix(Block(w, layer));
}
