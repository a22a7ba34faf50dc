using CloudSeg.Core.Imaging;
using CloudSeg.Evaluation.Coco;

namespace CloudSeg.Datasets;

/// <summary>One decoded training picture with its instances (crowd regions flagged, masks at the picture's size).</summary>
public sealed record DatasetSample(CocoImage Info, RgbImage Image, IReadOnlyList<InstanceAnnotation> Instances);
