using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>
/// Ground truth of one image: boxes (G, 4) float32 in (x1, y1, x2, y2) pixels, labels (G) int64 with 1..C-1 the
/// classes (0 is background), masks (G, H, W) with 1 on the object (uint8 or float32), in the image's own size.
/// </summary>
public sealed record DetectionTarget(Tensor Boxes, Tensor Labels, Tensor Masks);
