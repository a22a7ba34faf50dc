namespace CloudSeg.Inference;

/// <summary>The Mask R-CNN ONNX graph contracts the segmenter understands.</summary>
public enum ModelFormat
{
    /// <summary><c>torch.onnx.export</c> of torchvision's MaskRCNN: float [3,H,W] RGB in [0,1]; resizing and normalisation
    /// inside the graph; outputs boxes, labels, scores in input pixels and masks [N,1,H,W] pasted into the image.</summary>
    Torchvision,

    /// <summary>ONNX Model Zoo MaskRCNN-10/12 (maskrcnn-benchmark): float [3,H,W] BGR 0–255 minus the Caffe mean, short side
    /// resized to 800 (long side ≤ 1333) and padded to multiples of 32 by the caller; masks [N,1,28,28] probabilities.</summary>
    ModelZoo,

    /// <summary>CloudSeg's own training export: torchvision's contract, optionally with a <c>mask_iou</c> output [N]
    /// (Mask Scoring R-CNN) and/or low-resolution masks [N,1,M,M].</summary>
    CloudSeg,
}

public static class ModelFormats
{
    /// <summary>The spelling used in model cards and on the command line.</summary>
    public static string ToCardName(this ModelFormat format) => format switch
    {
        ModelFormat.Torchvision => "torchvision",
        ModelFormat.ModelZoo => "modelzoo",
        ModelFormat.CloudSeg => "cloudseg",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    public static ModelFormat Parse(string name) =>
        TryParse(name, out var format)
            ? format
            : throw new FormatException($"Unknown model format '{name}'; expected torchvision, modelzoo or cloudseg.");

    public static bool TryParse(string? name, out ModelFormat format)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "torchvision": format = ModelFormat.Torchvision; return true;
            case "modelzoo" or "model-zoo" or "onnx-model-zoo": format = ModelFormat.ModelZoo; return true;
            case "cloudseg": format = ModelFormat.CloudSeg; return true;
            default: format = default; return false;
        }
    }
}
