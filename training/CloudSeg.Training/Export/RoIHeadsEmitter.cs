using DataType = CloudSeg.Onnx.TensorProto.Types.DataType;

namespace CloudSeg.Training.Export;

/// <summary>Final detections in resized-image pixels, decreasing score order.</summary>
/// <param name="Boxes">float [D, 4]</param><param name="Scores">float [D]</param><param name="Labels">int64 [D], 1.. (0 is background)</param>
public sealed record GraphDetections(string Boxes, string Scores, string Labels);

/// <summary>
/// The box branch of torchvision's RoIHeads at inference: 7×7 RoIAlign, the box head, FastRCNNPredictor and
/// postprocess_detections (softmax, class-specific decoding, clip, score threshold, small-box removal,
/// per-class NMS, top detections_per_img).
/// </summary>
public static class RoIHeadsEmitter
{
    private const int PooledSize = 7;
    private const float MinDetectionSize = 1e-2f;
    private static readonly float[] BoxCoderWeights = [10, 10, 5, 5];

    public static GraphDetections Emit(OnnxGraphBuilder g, StateDictWeights w, InferenceGraphConfig config,
        IReadOnlyList<string> features, string proposals, TransformedImage image)
    {
        // The box head is row-wise, so it runs on each level's pooled rows and only its [N, representation] output
        // goes back into proposal order, not the [N, C, 7, 7] pooled features.
        var x = RoIAlignEmitter.PoolPerLevel(g, features, proposals, PooledSize, config.RoIAlignAligned, config.RoIAlignSamplingRatio)
            .InBoxOrder(g, pooled => BoxHeadEmitter.Emit(g, w, pooled));
        var logits = g.Linear(x, w.Initializer("roi_heads.box_predictor.cls_score.weight"), w.Initializer("roi_heads.box_predictor.cls_score.bias"));
        var deltas = g.Linear(x, w.Initializer("roi_heads.box_predictor.bbox_pred.weight"), w.Initializer("roi_heads.box_predictor.bbox_pred.bias"));
        var classCount = w["roi_heads.box_predictor.cls_score.weight"].shape[0];

        var boxes = BoxDecodingEmitter.Decode(g, g.Reshape(deltas, 0, classCount, 4), proposals, BoxCoderWeights);
        boxes = BoxDecodingEmitter.ClipToImage(g, boxes, image.ResizedSize);
        var scores = g.Softmax(logits, -1);

        // Drop the background column, then treat every (proposal, class) pair as one candidate, proposal-major.
        boxes = g.Reshape(g.Slice(boxes, 1, classCount, 1), -1, 4);
        scores = g.Reshape(g.Slice(scores, 1, classCount, 1), -1);
        var labelRow = g.Constant(Enumerable.Range(1, (int)classCount - 1).Select(i => (long)i).ToArray(), 1, classCount - 1);
        var labels = g.Reshape(g.Expand(labelRow, g.Concat(0, g.Dim(proposals, 0), g.Vector(classCount - 1))), -1);

        var keep = SelectionEmitter.Where(g, g.Greater(scores, g.Scalar(config.BoxScoreThreshold)));
        (boxes, scores, labels) = (g.Gather(boxes, keep), g.Gather(scores, keep), g.Gather(labels, keep));
        keep = SelectionEmitter.Where(g, BoxDecodingEmitter.IsLargeEnough(g, boxes, MinDetectionSize));
        (boxes, scores, labels) = (g.Gather(boxes, keep), g.Gather(scores, keep), g.Gather(labels, keep));

        keep = SelectionEmitter.Take(g, SelectionEmitter.BatchedNms(g, boxes, scores, labels, classCount, config.BoxNmsThreshold,
            config.DetectionsPerImage), config.DetectionsPerImage);
        return new GraphDetections(g.Gather(boxes, keep), g.Gather(scores, keep), g.Gather(labels, keep));
    }
}
