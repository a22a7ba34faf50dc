namespace CloudSeg.Training.Export;

/// <summary>
/// The region proposal network at inference (torchvision's RegionProposalNetwork with its RPNHead): objectness and
/// box deltas per anchor, decoding, per-level top-k, clip, small-box removal, per-level NMS, post-NMS top-n.
/// </summary>
public static class RpnEmitter
{
    /// <returns>float [P, 4] proposals in resized-image pixels, in decreasing objectness order.</returns>
    public static string Emit(OnnxGraphBuilder g, StateDictWeights w, InferenceGraphConfig config,
        IReadOnlyList<string> features, TransformedImage image)
    {
        // One shared 3×3 conv + ReLU (conv.0); maskrcnn_resnet50_fpn_v2 has two (conv.0, conv.1).
        var shared = Enumerable.Range(0, int.MaxValue).Select(i => w.ConvPrefix($"rpn.head.conv.{i}"))
            .TakeWhile(prefix => w.Has($"{prefix}.weight")).ToList();
        List<string> topScores = [], topDeltas = [], topAnchors = [], topLevels = [];
        for (var level = 0; level < features.Count; level++)
        {
            var t = features[level];
            foreach (var conv in shared) t = g.Relu(g.Conv(t, w.Initializer($"{conv}.weight"), w.Initializer($"{conv}.bias"), 1, 1));
            var logits = g.Conv(t, w.Initializer("rpn.head.cls_logits.weight"), w.Initializer("rpn.head.cls_logits.bias"), 1, 0);
            var deltas = g.Conv(t, w.Initializer("rpn.head.bbox_pred.weight"), w.Initializer("rpn.head.bbox_pred.bias"), 1, 0);
            // [1, A, H, W] → [H·W·A] and [1, A·4, H, W] → [H·W·A, 4]: location-major like the anchors. Channel a·4 + i
            // of the deltas is coordinate i of anchor a (torchvision's view(N, A, 4, H, W)), so moving channels last and
            // reading rows of 4 is the same order as its view + permute, in two nodes instead of six.
            var objectness = g.Reshape(g.Transpose(logits, 0, 2, 3, 1), -1);
            var boxDeltas = g.Reshape(g.Transpose(deltas, 0, 2, 3, 1), -1, 1, 4);
            var anchors = AnchorEmitter.Emit(g, config, level, features[level], image.PaddedSize);

            var k = g.Min(g.Shape(objectness), g.Vector(config.RpnPreNmsTopN));
            var (scores, indices) = g.TopK(objectness, k);
            topScores.Add(scores);
            topDeltas.Add(g.Gather(boxDeltas, indices));
            topAnchors.Add(g.Gather(anchors, indices));
            topLevels.Add(g.Expand(g.Scalar((long)level), k));   // k is the top-k's length
        }

        var probabilities = g.Sigmoid(g.Concat(0, [.. topScores]));
        // Decoding is elementwise, so the levels' candidates are decoded together (one set of nodes, not one per level).
        var decoded = BoxDecodingEmitter.Decode(g, g.Concat(0, [.. topDeltas]), g.Concat(0, [.. topAnchors]), [1, 1, 1, 1]);
        var boxes = BoxDecodingEmitter.ClipToImage(g, g.Squeeze(decoded, 1), image.ResizedSize);
        var levels = g.Concat(0, [.. topLevels]);

        var keep = SelectionEmitter.Where(g, g.And(BoxDecodingEmitter.IsLargeEnough(g, boxes, config.RpnMinSize),
            g.GreaterOrEqual(probabilities, g.Scalar(config.RpnScoreThreshold))));
        boxes = g.Gather(boxes, keep);
        probabilities = g.Gather(probabilities, keep);
        levels = g.Gather(levels, keep);

        var kept = SelectionEmitter.BatchedNms(g, boxes, probabilities, levels, features.Count, config.RpnNmsThreshold, config.RpnPostNmsTopN);
        return g.Gather(boxes, SelectionEmitter.Take(g, kept, config.RpnPostNmsTopN));
    }
}
