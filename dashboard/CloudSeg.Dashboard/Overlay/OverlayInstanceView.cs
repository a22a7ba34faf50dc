namespace CloudSeg.Dashboard.Overlay;

/// <summary>
/// One segmented instance as the detail page shows it: the mask stays a COCO compressed RLE string (decoded in the
/// browser), the box is COCO [x, y, width, height] in image pixels.
/// </summary>
public sealed record OverlayInstanceView(
    int Id,
    string ClassName,
    float Score,
    float? MaskIou,
    float[] Box,
    string RleCounts,
    string Color);
