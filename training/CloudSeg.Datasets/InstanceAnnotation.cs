using CloudSeg.Core.Geometry;
using CloudSeg.Core.Masks;

namespace CloudSeg.Datasets;

/// <summary>One annotated object of a training image: its COCO category id, mask and box (pixels, x2/y2 exclusive).</summary>
public sealed record InstanceAnnotation(int CategoryId, RleMask Mask, BoxF Box, bool IsCrowd = false);
