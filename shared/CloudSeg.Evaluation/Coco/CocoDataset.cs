using System.Text.Json.Serialization;

namespace CloudSeg.Evaluation.Coco;

/// <summary>A COCO "instances" file: the images, their annotated instances and the categories.</summary>
public sealed class CocoDataset
{
    [JsonPropertyName("images")]
    public List<CocoImage> Images { get; init; } = [];

    [JsonPropertyName("annotations")]
    public List<CocoAnnotation> Annotations { get; init; } = [];

    [JsonPropertyName("categories")]
    public List<CocoCategory> Categories { get; init; } = [];

    /// <summary>The annotations of each image, in file order; images without annotations map to an empty list.</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<CocoAnnotation>> AnnotationsByImage()
    {
        var byImage = Images.ToDictionary(i => i.Id, _ => new List<CocoAnnotation>());
        foreach (var annotation in Annotations)
        {
            if (!byImage.TryGetValue(annotation.ImageId, out var list))
            {
                throw new InvalidDataException($"Annotation {annotation.Id} refers to image {annotation.ImageId}, which is not in the images list.");
            }
            list.Add(annotation);
        }
        return byImage.ToDictionary(p => p.Key, p => (IReadOnlyList<CocoAnnotation>)p.Value);
    }
}

public sealed record CocoImage
{
    [JsonPropertyName("id")]
    public long Id { get; init; }

    [JsonPropertyName("file_name")]
    public string FileName { get; init; } = "";

    [JsonPropertyName("width")]
    public int Width { get; init; }

    [JsonPropertyName("height")]
    public int Height { get; init; }
}

public sealed record CocoCategory
{
    [JsonPropertyName("id")]
    public int Id { get; init; }

    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    [JsonPropertyName("supercategory")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Supercategory { get; init; }
}

public sealed record CocoAnnotation
{
    [JsonPropertyName("id")]
    public long Id { get; init; }

    [JsonPropertyName("image_id")]
    public long ImageId { get; init; }

    [JsonPropertyName("category_id")]
    public int CategoryId { get; init; }

    [JsonPropertyName("segmentation")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CocoAnnotationSegmentation? Segmentation { get; init; }

    /// <summary>Area in pixels; COCO evaluation buckets ground truth into small/medium/large by this field.</summary>
    [JsonPropertyName("area")]
    public double Area { get; init; }

    /// <summary>[x, y, width, height] in pixels.</summary>
    [JsonPropertyName("bbox")]
    public double[] Bbox { get; init; } = [0, 0, 0, 0];

    /// <summary>1 marks a crowd region: ignored by evaluation, and detections inside it are not counted as false positives.</summary>
    [JsonPropertyName("iscrowd")]
    public int IsCrowd { get; init; }
}
