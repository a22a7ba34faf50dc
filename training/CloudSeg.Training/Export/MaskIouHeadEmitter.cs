namespace CloudSeg.Training.Export;

/// <summary>The MaskIoU head of Mask Scoring R-CNN at inference: predicted IoU of each detection's mask.</summary>
public static class MaskIouHeadEmitter
{
    private const string Prefix = "roi_heads.mask_iou_head";

    public static bool IsPresent(StateDictWeights w) => w.Has($"{Prefix}.fc.weight");

    public static string Emit(OnnxGraphBuilder g, StateDictWeights w, MaskHeadEmitter.MaskBranch mask, Detections detections) =>
        throw new NotImplementedException("MaskIoU head export lands with the training model's MaskIoU head.");
}
