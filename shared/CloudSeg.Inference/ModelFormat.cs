namespace CloudSeg.Inference;

/// <summary>
/// Who exported a graph, which fixes its input/output contract. What network it is lives apart, in
/// <see cref="CloudSeg.ModelCards.ModelArchitecture"/>: torchvision, the model zoo and cloudseg export Mask R-CNN;
/// Ultralytics exports YOLO-seg.
/// </summary>
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

    /// <summary>Ultralytics' YOLOv8/YOLO11-seg export: <c>images</c> [1,3,S,S] RGB in [0,1], letterboxed with grey 114;
    /// <c>output0</c> [1,4+nc+32,N] (box centre, size, nc sigmoid class scores, 32 mask coefficients) before NMS;
    /// <c>output1</c> [1,32,S/4,S/4] prototypes; class names in the metadata key <c>names</c>.</summary>
    Ultralytics,
}

public static class ModelFormats
{
    /// <summary>The spelling used in model cards and on the command line.</summary>
    public static string ToCardName(this ModelFormat format) => format switch
    {
        ModelFormat.Torchvision => "torchvision",
        ModelFormat.ModelZoo => "modelzoo",
        ModelFormat.CloudSeg => "cloudseg",
        ModelFormat.Ultralytics => "ultralytics",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    public static ModelFormat Parse(string name) =>
        TryParse(name, out var format)
            ? format
            : throw new FormatException($"Unknown model format '{name}'; expected torchvision, modelzoo, cloudseg or ultralytics.");

    public static bool TryParse(string? name, out ModelFormat format)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "torchvision": format = ModelFormat.Torchvision; return true;
            case "modelzoo" or "model-zoo" or "onnx-model-zoo": format = ModelFormat.ModelZoo; return true;
            case "cloudseg": format = ModelFormat.CloudSeg; return true;
            case "ultralytics": format = ModelFormat.Ultralytics; return true;
            default: format = default; return false;
        }
    }
}
