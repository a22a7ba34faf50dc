using CloudSeg.Core.Geometry;
using CloudSeg.Core.Imaging;
using CloudSeg.Core.Masks;
using CloudSeg.Evaluation.Coco;
using CloudSeg.Evaluation.Sources;

namespace CloudSeg.Datasets;

/// <summary>
/// A COCO instance-segmentation dataset opened from any <see cref="IDatasetSource"/>: the annotations are read once,
/// pictures are fetched and decoded per sample (so a large dataset never sits in memory).
/// </summary>
public sealed class InstanceDataset
{
    private readonly IDatasetSource source;
    private readonly IReadOnlyDictionary<long, IReadOnlyList<CocoAnnotation>> annotationsByImage;

    private InstanceDataset(IDatasetSource source, CocoDataset coco)
    {
        this.source = source;
        Coco = coco;
        Categories = new CategoryMap(coco.Categories);
        annotationsByImage = coco.AnnotationsByImage();
    }

    public CocoDataset Coco { get; }

    public CategoryMap Categories { get; }

    public int Count => Coco.Images.Count;

    public string Location => source.Location;

    public static async Task<InstanceDataset> OpenAsync(IDatasetSource source, CancellationToken cancellationToken = default)
    {
        var coco = await source.ReadAnnotationsAsync(cancellationToken);
        if (coco.Categories.Count == 0)
        {
            throw new InvalidDataException($"The dataset at {source.Location} lists no categories.");
        }
        return new InstanceDataset(source, coco);
    }

    /// <summary>
    /// Picture <paramref name="index"/> with its instances. Annotations without a segmentation get their box as mask;
    /// boxes thinner than a pixel are dropped, as torchvision's detection references do.
    /// </summary>
    public async Task<DatasetSample> ReadSampleAsync(int index, CancellationToken cancellationToken = default)
    {
        var info = Coco.Images[index];
        var encoded = await source.ReadImageAsync(info.FileName, cancellationToken);
        var image = ImageDecoder.Decode(encoded);
        if (image.Width != info.Width || image.Height != info.Height)
        {
            throw new InvalidDataException(
                $"Image '{info.FileName}' is {image.Width}x{image.Height} but the annotations say {info.Width}x{info.Height}.");
        }
        var instances = new List<InstanceAnnotation>();
        foreach (var annotation in annotationsByImage[info.Id])
        {
            var box = BoxF.FromXywh((float)annotation.Bbox[0], (float)annotation.Bbox[1], (float)annotation.Bbox[2], (float)annotation.Bbox[3]);
            if (box.Width < 1 || box.Height < 1)
            {
                continue;
            }
            var mask = annotation.Segmentation?.ToMask(info.Height, info.Width)
                ?? RleMask.FromBox(annotation.Bbox[0], annotation.Bbox[1], annotation.Bbox[2], annotation.Bbox[3], info.Height, info.Width);
            instances.Add(new InstanceAnnotation(annotation.CategoryId, mask, box, annotation.IsCrowd != 0));
        }
        return new DatasetSample(info, image, instances);
    }
}
