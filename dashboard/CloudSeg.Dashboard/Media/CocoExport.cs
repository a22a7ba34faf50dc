using System.Text.Json.Serialization;
using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Media;

/// <summary>
/// One result as a COCO dataset file (images, categories, annotations with score and mask IoU), which pycocotools,
/// FiftyOne and CVAT load directly; the download a user takes to other tools.
/// </summary>
public sealed record CocoExport(
    [property: JsonPropertyName("images")] IReadOnlyList<CocoExportImage> Images,
    [property: JsonPropertyName("categories")] IReadOnlyList<CocoExportCategory> Categories,
    [property: JsonPropertyName("annotations")] IReadOnlyList<CocoExportAnnotation> Annotations)
{
    public static CocoExport From(ResultDocument result)
    {
        var categories = result.Instances
            .GroupBy(i => i.CategoryId)
            .OrderBy(g => g.Key)
            .Select(g => new CocoExportCategory(g.Key, g.First().ClassName))
            .ToList();
        var annotations = result.Instances
            .Select((i, index) => new CocoExportAnnotation(index + 1, 1, i.CategoryId, i.Bbox, i.Area, 0, i.Segmentation, i.Score, i.MaskIou))
            .ToList();
        return new CocoExport(
            [new CocoExportImage(1, result.Source.Blob, result.Image.Width, result.Image.Height)],
            categories,
            annotations);
    }
}

public sealed record CocoExportImage(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("file_name")] string FileName,
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("height")] int Height);

public sealed record CocoExportCategory(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("name")] string Name);

public sealed record CocoExportAnnotation(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("image_id")] int ImageId,
    [property: JsonPropertyName("category_id")] int CategoryId,
    [property: JsonPropertyName("bbox")] double[] Bbox,
    [property: JsonPropertyName("area")] long Area,
    [property: JsonPropertyName("iscrowd")] int IsCrowd,
    [property: JsonPropertyName("segmentation")] ResultRle Segmentation,
    [property: JsonPropertyName("score")] double Score,
    [property: JsonPropertyName("mask_iou"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? MaskIou);
