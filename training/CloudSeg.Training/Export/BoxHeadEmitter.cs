namespace CloudSeg.Training.Export;

/// <summary>
/// The box head on the 7×7 RoI features, whichever torchvision has: TwoMLPHead (fc6, fc7: maskrcnn_resnet50_fpn) or
/// FastRCNNConvFCHead (box_head.0 … box_head.{n-1} 3×3 conv + batch norm (folded) + ReLU, box_head.{n} the flatten,
/// then FC + ReLU at box_head.{n+1}, {n+3}, …: maskrcnn_resnet50_fpn_v2). Told apart by the state dict's names.
/// </summary>
public static class BoxHeadEmitter
{
    private const string Head = "roi_heads.box_head";

    /// <returns>float [R, representation size]</returns>
    public static string Emit(OnnxGraphBuilder g, StateDictWeights w, string pooled)
    {
        if (w.Has($"{Head}.fc6.weight"))
        {
            var x = g.Flatten(pooled);
            x = g.Relu(g.Linear(x, w.Initializer($"{Head}.fc6.weight"), w.Initializer($"{Head}.fc6.bias")));
            return g.Relu(g.Linear(x, w.Initializer($"{Head}.fc7.weight"), w.Initializer($"{Head}.fc7.bias")));
        }

        var features = pooled;
        var index = 0;
        for (; w.Has($"{Head}.{index}.0.weight"); index++)   // each conv is a Conv2dNormActivation, its conv child "0"
        {
            var (weight, bias) = w.ConvNorm($"{Head}.{index}");
            features = g.Relu(g.Conv(features, weight, bias, 1, padding: w[$"{Head}.{index}.0.weight"].shape[^1] / 2));
        }
        if (index == 0) throw new KeyNotFoundException($"The model's state dict has neither {Head}.fc6 nor {Head}.0.0 (a conv box head).");
        var hidden = g.Flatten(features);
        for (index++; w.Has($"{Head}.{index}.weight"); index += 2)
            hidden = g.Relu(g.Linear(hidden, w.Initializer($"{Head}.{index}.weight"), w.Initializer($"{Head}.{index}.bias")));
        return hidden;
    }
}
