namespace CloudSeg.Evaluation.Metrics;

/// <summary>What a detection is compared by: its box or its mask (pycocotools' <c>iouType</c> "bbox" / "segm").</summary>
public enum IouType
{
    Bbox,
    Segm,
}
