namespace CloudSeg.Training.Export;

/// <summary>
/// The MaskIoU head of Mask Scoring R-CNN at inference: the mask head's features concatenated with the predicted mask
/// max-pooled to 14×14, four 3×3 convs (the last with stride 2), three fully connected layers, and the predicted IoU
/// of each detection's own class. Parameter names are those of our MaskIouHead (the paper's reference code).
/// </summary>
public static class MaskIouHeadEmitter
{
    private const string Prefix = "roi_heads.maskiou_head";

    public static bool IsPresent(StateDictWeights w) => w.Has($"{Prefix}.maskiou.weight");

    /// <returns>float [D]: predicted mask IoU of each detection.</returns>
    public static string Emit(OnnxGraphBuilder g, StateDictWeights w, MaskHeadEmitter.MaskBranch mask, GraphDetections detections)
    {
        var pooledMask = g.MaxPool(mask.Probabilities, kernel: 2, stride: 2, padding: 0);
        var x = g.Concat(1, mask.HeadFeatures, pooledMask);
        for (var layer = 1; layer <= 4; layer++)
            x = g.Relu(g.Conv(x, w.Initializer($"{Prefix}.maskiou_fcn{layer}.weight"), w.Initializer($"{Prefix}.maskiou_fcn{layer}.bias"),
                stride: layer == 4 ? 2 : 1, padding: 1));
        x = g.Flatten(x);
        x = g.Relu(g.Linear(x, w.Initializer($"{Prefix}.maskiou_fc1.weight"), w.Initializer($"{Prefix}.maskiou_fc1.bias")));
        x = g.Relu(g.Linear(x, w.Initializer($"{Prefix}.maskiou_fc2.weight"), w.Initializer($"{Prefix}.maskiou_fc2.bias")));
        var perClass = g.Linear(x, w.Initializer($"{Prefix}.maskiou.weight"), w.Initializer($"{Prefix}.maskiou.bias"));
        return g.Squeeze(g.GatherElements(perClass, g.Unsqueeze(detections.Labels, 1), axis: 1), 1);
    }
}
