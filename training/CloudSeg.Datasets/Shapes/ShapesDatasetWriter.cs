using CloudSeg.Evaluation.Coco;
using CloudSeg.Evaluation.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudSeg.Datasets.Shapes;

/// <summary>A split to generate: its folder name and image count.</summary>
public sealed record ShapesSplit(string Name, int ImageCount);

/// <summary>
/// Writes the shapes dataset as COCO splits: <c>DIR/&lt;split&gt;/annotations.json</c> (masks as compressed RLE) and
/// <c>DIR/&lt;split&gt;/images/NNNNNN.png</c>, readable back with <see cref="FolderDatasetSource"/>, with the pictures of
/// any <see cref="IShapesRenderer"/>.
/// </summary>
public sealed class ShapesDatasetWriter(IShapesRenderer renderer, ILogger<ShapesDatasetWriter>? logger = null)
{
    private readonly ILogger logger = logger ?? NullLogger<ShapesDatasetWriter>.Instance;

    /// <summary>The training set's look (<see cref="ShapesGenerator"/>).</summary>
    public ShapesDatasetWriter(ShapesOptions options, ILogger<ShapesDatasetWriter>? logger = null) : this(new ShapesGenerator(options), logger)
    {
    }

    /// <param name="progress">Called after each image with the number written so far (all splits).</param>
    public async Task<IReadOnlyList<CocoDataset>> WriteAsync(
        string outputDirectory,
        IReadOnlyList<ShapesSplit> splits,
        ImageFileFormat format = ImageFileFormat.Png,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var written = 0;
        var datasets = new List<CocoDataset>();
        for (var splitNumber = 0; splitNumber < splits.Count; splitNumber++)
        {
            var split = splits[splitNumber];
            var splitDirectory = Path.Combine(outputDirectory, split.Name);
            var imagesDirectory = Path.Combine(splitDirectory, FolderDatasetSource.ImagesFolderName);
            Directory.CreateDirectory(imagesDirectory);

            var dataset = new CocoDataset
            {
                Categories = renderer.Classes.Select((kind, i) => new CocoCategory { Id = i + 1, Name = kind.CategoryName(), Supercategory = "shape" }).ToList(),
            };
            for (var index = 0; index < split.ImageCount; index++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var picture = renderer.Render(splitNumber, index);
                var image = new CocoImage
                {
                    Id = index + 1,
                    FileName = $"{index + 1:D6}{ImageEncoding.Extension(format)}",
                    Width = picture.Image.Width,
                    Height = picture.Image.Height,
                };
                await File.WriteAllBytesAsync(Path.Combine(imagesDirectory, image.FileName), ImageEncoding.Encode(picture.Image, format), cancellationToken);
                dataset.Images.Add(image);
                foreach (var instance in picture.Instances)
                {
                    dataset.Annotations.Add(new CocoAnnotation
                    {
                        Id = dataset.Annotations.Count + 1,
                        ImageId = image.Id,
                        CategoryId = instance.CategoryId,
                        Segmentation = CocoAnnotationSegmentation.FromMask(instance.Mask),
                        Area = instance.Mask.Area,
                        Bbox = instance.Box.ToXywh().Select(v => (double)v).ToArray(),
                        IsCrowd = 0,
                    });
                }
                progress?.Report(++written);
            }
            await CocoDatasetJson.WriteFileAsync(Path.Combine(splitDirectory, FolderDatasetSource.AnnotationsFileName), dataset, cancellationToken);
            logger.LogInformation("Wrote shapes split {Split}: {Images} images, {Instances} instances to {Directory}",
                split.Name, dataset.Images.Count, dataset.Annotations.Count, splitDirectory);
            datasets.Add(dataset);
        }
        return datasets;
    }
}
