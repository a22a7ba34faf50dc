using static TorchSharp.torch;

namespace CloudSeg.Training.Detection;

/// <summary>A padded batch of images plus each image's size before padding (torchvision's ImageList).</summary>
public sealed record ImageList(Tensor Tensor, IReadOnlyList<(long Height, long Width)> ImageSizes);
