using CloudSeg.Inference;
using CloudSeg.ModelCards;
using CloudSeg.Training.Backbone;
using CloudSeg.Training.Detection;

namespace CloudSeg.Training.Import;

/// <summary>
/// torchvision's published COCO Mask R-CNN weights that <c>cloudseg models pull</c> knows: where they are, the
/// architecture they fit (torchvision's builder defaults) and the COCO val2017 AP torchvision publishes for them.
/// </summary>
public sealed record TorchvisionCocoModel(string Name, Uri Url, MaskRcnnOptions Options, double BoxAp, double MaskAp)
{
    /// <summary>torchvision's category list: index = COCO category id, 0 the background, "N/A" for the ids COCO never used.</summary>
    public static readonly IReadOnlyList<string> CocoClasses =
    [
        "__background__", "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
        "fire hydrant", "N/A", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow", "elephant",
        "bear", "zebra", "giraffe", "N/A", "backpack", "umbrella", "N/A", "N/A", "handbag", "tie", "suitcase", "frisbee", "skis",
        "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
        "N/A", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot",
        "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed", "N/A", "dining table", "N/A", "N/A", "toilet",
        "N/A", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator",
        "N/A", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
    ];

    public static readonly IReadOnlyList<TorchvisionCocoModel> Known =
    [
        // maskrcnn_resnet50_fpn: ResNet-50 with frozen batch norm, FPN, torchvision's heads; its RoIAlign is unaligned.
        new("torchvision/maskrcnn_resnet50_fpn", new Uri("https://download.pytorch.org/models/maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth"),
            new MaskRcnnOptions
            {
                NumClasses = CocoClasses.Count, Backbone = ResNetDepth.ResNet50, Norm = NormLayer.FrozenBatchNorm,
                RoIHeads = new RoIHeadsOptions { AlignedRoIAlign = false, MaskIouHead = false },
            },
            BoxAp: 0.379, MaskAp: 0.346),
        // maskrcnn_resnet50_fpn_v2 (Li et al. 2021's recipe): batch norm (not frozen) in the trunk, after the FPN's convs
        // and in both heads; a two-conv RPN head; the 4conv1fc box head. Same anchors, thresholds, unaligned RoIAlign.
        new("torchvision/maskrcnn_resnet50_fpn_v2", new Uri("https://download.pytorch.org/models/maskrcnn_resnet50_fpn_v2_coco-73cbd019.pth"),
            new MaskRcnnOptions
            {
                NumClasses = CocoClasses.Count, Backbone = ResNetDepth.ResNet50, Norm = NormLayer.BatchNorm, FpnBatchNorm = true,
                Rpn = new RpnOptions { ConvDepth = 2 },
                RoIHeads = new RoIHeadsOptions { AlignedRoIAlign = false, MaskIouHead = false, BoxHeadConvLayers = 4, HeadsBatchNorm = true },
            },
            BoxAp: 0.474, MaskAp: 0.418),
    ];

    public static TorchvisionCocoModel Find(string name) =>
        Known.FirstOrDefault(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown model '{name}'; known: {string.Join(", ", Known.Select(m => m.Name))}.");

    /// <summary>The file name torchvision gives it ("&lt;name&gt;-&lt;first 8 hex digits of its SHA-256&gt;.pth").</summary>
    public string FileName => Path.GetFileName(Url.AbsolutePath);

    /// <summary>The card's metrics: torchvision's published COCO val2017 AP (the other columns were not published).</summary>
    public ModelMetrics Metrics => new() { Bbox = new ApSummary { Ap = BoxAp }, Segm = new ApSummary { Ap = MaskAp } };
}
