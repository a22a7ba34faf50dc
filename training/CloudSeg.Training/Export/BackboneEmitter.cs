namespace CloudSeg.Training.Export;

/// <summary>
/// ResNet body (frozen batch norm folded) + FPN with the P6 max-pool level, mirroring torchvision's
/// <c>BackboneWithFPN</c>. Block type (basic or bottleneck) and block counts come from the state dict's names.
/// </summary>
public static class BackboneEmitter
{
    private const string Body = "backbone.body", Fpn = "backbone.fpn";

    /// <summary>FPN outputs finest first: P2, P3, P4, P5 (strides 4–32) and the pooled P6 (stride 64); from P3 with
    /// <paramref name="firstLevel"/> 3 (YOLACT's FPN); P5 pooled too when the body ends at layer3.</summary>
    /// <param name="padsLessAtEnd">Strided convolutions and the max pool pad one less at the end (<see cref="Backbone.ResNetLayout"/>).</param>
    public static IReadOnlyList<string> Emit(OnnxGraphBuilder g, StateDictWeights w, string images, bool padsLessAtEnd = false, int firstLevel = 2)
    {
        var layout = new Backbone.ResNetLayout([], false, padsLessAtEnd);
        var (conv1, bn1) = w.ConvWithBatchNorm($"{Body}.conv1.weight", $"{Body}.bn1");
        var (stemStart, stemEnd) = layout.Padding(7, 2);
        var (poolStart, poolEnd) = layout.Padding(3, 2);
        var x = g.MaxPool(g.Relu(g.Conv(images, conv1, bn1, stride: 2, stemStart, stemEnd)), kernel: 3, stride: 2, poolStart, poolEnd);
        var stages = new List<string>();
        // A body cut after layer3 (MaskRcnnOptions.BackboneStages 3) has no layer4 weights.
        for (var layer = 1; layer <= 4 && w.Has($"{Body}.layer{layer}.0.conv1.weight"); layer++)
        {
            for (var block = 0; w.Has($"{Body}.layer{layer}.{block}.conv1.weight"); block++)
                x = ResidualBlock(g, w, layout, $"{Body}.layer{layer}.{block}", x, stride: layer > 1 && block == 0 ? 2 : 1);
            stages.Add(x);
        }
        return FeaturePyramid(g, w, stages.Skip(firstLevel - 2).ToList(), pooledLevels: 5 - stages.Count);
    }

    /// <summary>BasicBlock (two 3×3) or Bottleneck (1×1, 3×3 with the stride, 1×1), plus the projection shortcut.</summary>
    private static string ResidualBlock(OnnxGraphBuilder g, StateDictWeights w, Backbone.ResNetLayout layout, string prefix, string x, long stride)
    {
        var bottleneck = w.Has($"{prefix}.conv3.weight");
        string Conv(string input, int index, long convStride)
        {
            var weightName = $"{prefix}.conv{index}.weight";
            var (weight, bias) = w.ConvWithBatchNorm(weightName, $"{prefix}.bn{index}");
            var (start, end) = layout.Padding(w[weightName].shape[^1], convStride);
            return g.Conv(input, weight, bias, convStride, start, end);
        }

        var y = bottleneck
            ? Conv(g.Relu(Conv(g.Relu(Conv(x, 1, 1)), 2, stride)), 3, 1)
            : Conv(g.Relu(Conv(x, 1, stride)), 2, 1);
        var shortcut = x;
        if (w.Has($"{prefix}.downsample.0.weight"))
        {
            var (weight, bias) = w.ConvWithBatchNorm($"{prefix}.downsample.0.weight", $"{prefix}.downsample.1");
            shortcut = g.Conv(x, weight, bias, stride, padding: 0);
        }
        return g.Relu(g.Add(y, shortcut));
    }

    /// <summary>Top-down pathway with lateral 1×1 connections, 3×3 output convs (batch norm folded in where v2 has it),
    /// then P6 = max_pool2d(P5, 1, stride 2) (P5 and P6 from P4 with two pooled levels).</summary>
    private static List<string> FeaturePyramid(OnnxGraphBuilder g, StateDictWeights w, List<string> stages, int pooledLevels)
    {
        string Conv(string block, int index, string input)
        {
            var (weight, bias) = w.ConvNorm($"{Fpn}.{block}.{index}");
            return g.Conv(input, weight, bias, 1, padding: w[$"{w.ConvPrefix($"{Fpn}.{block}.{index}")}.weight"].shape[^1] / 2);
        }

        var last = stages.Count - 1;
        var lastInner = Conv("inner_blocks", last, stages[last]);
        var results = new List<string> { Conv("layer_blocks", last, lastInner) };
        for (var index = last - 1; index >= 0; index--)
        {
            var lateral = Conv("inner_blocks", index, stages[index]);
            var topDown = g.ResizeNearest(lastInner, g.Shape(lateral));
            lastInner = g.Add(lateral, topDown);
            results.Insert(0, Conv("layer_blocks", index, lastInner));
        }
        for (var level = 0; level < pooledLevels; level++)
            results.Add(g.MaxPool(results[^1], kernel: 1, stride: 2, padding: 0));
        return results;
    }
}
