using CloudSeg.Core.Imaging;

namespace CloudSeg.Datasets.Shapes;

/// <summary>One generated picture and its visible instances (bottom-most first).</summary>
public sealed record ShapesImage(RgbImage Image, IReadOnlyList<InstanceAnnotation> Instances);
