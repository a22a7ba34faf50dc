using CloudSeg.ModelCards;
using CloudSeg.Onnx;

namespace CloudSeg.Inference;

/// <summary>Decides which contract a graph follows when neither the caller nor the card says.</summary>
public static class FormatDetection
{
    /// <summary>Metadata key our training export may set on the ModelProto to name its format.</summary>
    public const string FormatMetadataKey = "cloudseg.format";

    /// <summary>The caller's choice, else the card's, else what the graph looks like.</summary>
    public static ModelFormat Resolve(ModelFormat? requested, ModelCard card, ModelProto model, OutputRoles roles, MaskOutputAnalysis masks) =>
        requested ?? (card.Format is { } cardFormat ? ModelFormats.Parse(cardFormat) : Detect(model, roles, masks));

    public static ModelFormat Detect(ModelProto model, OutputRoles roles, MaskOutputAnalysis masks)
    {
        var declared = model.MetadataProps.FirstOrDefault(p => p.Key == FormatMetadataKey)?.Value;
        if (ModelFormats.TryParse(declared, out var format))
            return format;
        if (roles.MaskIou is not null)
            return ModelFormat.CloudSeg;
        // torchvision's export pastes the masks into the image inside the graph; maskrcnn-benchmark's returns the RoI
        // masks [N,1,28,28]. (A cloudseg export with low-resolution masks and no MaskIoU head must say so in its card.)
        return masks.PastesIntoImage ? ModelFormat.Torchvision : ModelFormat.ModelZoo;
    }
}
