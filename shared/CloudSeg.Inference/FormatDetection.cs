using CloudSeg.Onnx;

namespace CloudSeg.Inference;

/// <summary>Decides which contract a graph follows when neither the caller nor the card says.</summary>
public static class FormatDetection
{
    /// <summary>Metadata key our training export may set on the ModelProto to name its format.</summary>
    public const string FormatMetadataKey = "cloudseg.format";

    public static ModelFormat Detect(ModelProto model, GraphSignature signature, OutputRoles roles)
    {
        var declared = model.MetadataProps.FirstOrDefault(p => p.Key == FormatMetadataKey)?.Value;
        if (ModelFormats.TryParse(declared, out var format))
            return format;
        if (roles.MaskIou is not null)
            return ModelFormat.CloudSeg;
        // A mask output of fixed spatial size holds the RoI masks before pasting: maskrcnn-benchmark's contract.
        // torchvision's export pastes into the image, so its mask height and width follow the input.
        var masks = signature.Outputs.First(o => o.Name == roles.Masks);
        return masks.Dims[2] is > 0 && masks.Dims[3] is > 0 ? ModelFormat.ModelZoo : ModelFormat.Torchvision;
    }
}
