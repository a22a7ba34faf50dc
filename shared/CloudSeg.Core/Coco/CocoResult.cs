using System.Text.Json.Serialization;
using CloudSeg.Core.Geometry;
using CloudSeg.Core.Masks;

namespace CloudSeg.Core.Coco;

/// <summary>
/// One detection in COCO's results format (the input of pycocotools' <c>loadRes</c>): box as [x, y, width, height]
/// in pixels of the upright image, RLE segmentation, and optionally the MaskIoU head's predicted mask IoU.
/// </summary>
public sealed record CocoResult(
    [property: JsonPropertyName("image_id")] long ImageId,
    [property: JsonPropertyName("category_id")] int CategoryId,
    [property: JsonPropertyName("bbox")] float[] Bbox,
    [property: JsonPropertyName("score")] float Score,
    [property: JsonPropertyName("segmentation")] CocoSegmentation? Segmentation = null,
    [property: JsonPropertyName("mask_iou"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? MaskIou = null)
{
    public static CocoResult From(long imageId, int categoryId, BoxF box, float score, RleMask? mask, float? maskIou = null) =>
        new(imageId, categoryId, box.ToXywh(), score, mask is null ? null : CocoSegmentation.FromMask(mask), maskIou);

    /// <summary>The box as corners.</summary>
    [JsonIgnore]
    public BoxF Box => Bbox is [var x, var y, var w, var h] ? BoxF.FromXywh(x, y, w, h) : throw new InvalidOperationException("bbox must have 4 numbers.");
}
