using CloudSeg.Onnx;
using CloudSeg.Training.Detection;
using static TorchSharp.torch;
using DataType = CloudSeg.Onnx.TensorProto.Types.DataType;

namespace CloudSeg.Training.Export;

/// <summary>
/// Writes the whole Mask R-CNN inference as one ONNX graph in the <c>cloudseg</c> format (docs/model-format.md):
/// input <c>image</c> float [3, H, W] RGB in [0, 1] at any size; outputs <c>boxes</c> [N, 4] in input pixels,
/// <c>labels</c> [N] int64, <c>scores</c> [N], <c>masks</c> [N, 1, 28, 28] low-resolution probabilities of the
/// detected class (to be pasted into the box), and <c>mask_iou</c> [N] when the model has a MaskIoU head.
/// The graph mirrors GeneralizedRCNN: transform → backbone → rpn → roi_heads → postprocess.
/// </summary>
public static class MaskRcnnOnnxExporter
{
    public const string ImageInput = "image";
    public const string BoxesOutput = "boxes", LabelsOutput = "labels", ScoresOutput = "scores", MasksOutput = "masks", MaskIouOutput = "mask_iou";

    /// <summary>Exports one of our models with the inference settings of its options.</summary>
    public static ModelProto Export(MaskRcnn model, string producerVersion, IReadOnlyDictionary<string, string>? metadata = null) =>
        Export(model.state_dict(), InferenceGraphConfig.From(model.Options), producerVersion, metadata);

    /// <param name="stateDict">The model's weights with torchvision's names (our modules use them).</param>
    public static ModelProto Export(IReadOnlyDictionary<string, Tensor> stateDict, InferenceGraphConfig config,
        string producerVersion, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var g = new OnnxGraphBuilder("cloudseg_mask_rcnn");
        var w = new StateDictWeights(stateDict, g, config.BatchNormEpsilon);
        var image = g.Input(ImageInput, DataType.Float, 3, null, null);

        var transformed = TransformEmitter.Emit(g, config, image);
        var features = BackboneEmitter.Emit(g, w, transformed.Batch, config.BackbonePadsLessAtEnd);
        var channels = w[$"{w.ConvPrefix("backbone.fpn.layer_blocks.0")}.weight"].shape[0];
        var pyramid = features.Take(features.Count - 1).ToList();   // RoIAlign pools P2–P5, not the P6 "pool" level
        var proposals = RpnEmitter.Emit(g, w, config, features, transformed);
        var detections = RoIHeadsEmitter.Emit(g, w, config, pyramid, proposals, transformed);
        var mask = MaskHeadEmitter.Emit(g, w, config, pyramid, channels, detections);

        g.Output(g.Mul(detections.Boxes, transformed.BoxScale), BoxesOutput, DataType.Float, null, 4);
        g.Output(detections.Labels, LabelsOutput, DataType.Int64, new long?[] { null });
        g.Output(detections.Scores, ScoresOutput, DataType.Float, new long?[] { null });
        g.Output(mask.Probabilities, MasksOutput, DataType.Float, null, 1, 28, 28);
        if (MaskIouHeadEmitter.IsPresent(w))
            g.Output(MaskIouHeadEmitter.Emit(g, w, mask, detections), MaskIouOutput, DataType.Float, new long?[] { null });
        return g.Build(producerVersion, metadata);
    }
}
