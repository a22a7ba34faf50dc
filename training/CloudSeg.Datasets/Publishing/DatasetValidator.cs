using CloudSeg.Core.Imaging;
using CloudSeg.Evaluation.Coco;
using CloudSeg.Evaluation.Sources;

namespace CloudSeg.Datasets.Publishing;

/// <summary>
/// Checks a COCO dataset folder (<c>annotations.json</c> + <c>images/</c>) before it is published: the annotations
/// parse; ids are unique; categories are named; every image is present, decodes and has the size the annotations say;
/// every box, polygon and RLE lies inside its image. It collects every problem instead of stopping at the first, so a
/// person fixes them in one go.
/// </summary>
public static class DatasetValidator
{
    /// <summary>How far (pixels) a box or polygon point may lie outside the image: annotation tools round coordinates.</summary>
    public const double EdgeTolerance = 1.0;

    public static async Task<DatasetCheck> CheckFolderAsync(string folder, CancellationToken ct = default)
    {
        folder = Path.GetFullPath(folder);
        var errors = new List<string>();
        var warnings = new List<string>();
        var annotationsPath = Path.Combine(folder, FolderDatasetSource.AnnotationsFileName);
        var imagesFolder = Path.Combine(folder, FolderDatasetSource.ImagesFolderName);
        if (!File.Exists(annotationsPath)) errors.Add($"{folder} has no {FolderDatasetSource.AnnotationsFileName}.");
        if (!Directory.Exists(imagesFolder)) errors.Add($"{folder} has no {FolderDatasetSource.ImagesFolderName}/ folder.");
        if (errors.Count > 0) return new DatasetCheck(folder, null, errors, warnings);

        CocoDataset coco;
        try
        {
            coco = await CocoDatasetJson.ReadFileAsync(annotationsPath, ct).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            return new DatasetCheck(folder, null, [$"{FolderDatasetSource.AnnotationsFileName}: {e.Message}"], warnings);
        }

        var categories = CheckCategories(coco, errors);
        var images = await CheckImagesAsync(coco, new FolderDatasetSource(annotationsPath, imagesFolder), errors, ct).ConfigureAwait(false);
        CheckAnnotations(coco, images, categories, errors);

        var used = coco.Annotations.Select(a => a.CategoryId).ToHashSet();
        foreach (var category in coco.Categories.Where(c => !used.Contains(c.Id)))
            warnings.Add($"category {category.Id} '{category.Name}' has no instances in this split.");
        var listed = coco.Images.Select(i => i.FileName).ToHashSet(StringComparer.Ordinal);
        var unlisted = Directory.EnumerateFiles(imagesFolder, "*", SearchOption.AllDirectories)
            .Count(f => !listed.Contains(Path.GetRelativePath(imagesFolder, f).Replace(Path.DirectorySeparatorChar, '/')));
        if (unlisted > 0) warnings.Add($"{unlisted} file(s) in images/ are not listed in {FolderDatasetSource.AnnotationsFileName}; they are left out.");
        return new DatasetCheck(folder, coco, errors, warnings);
    }

    /// <summary>
    /// Whether a COCO <c>file_name</c> is safe to use as a path below images/ and as part of a blob name: relative,
    /// '/'-separated, no empty, "." or ".." segments, no backslashes or control characters.
    /// </summary>
    public static string? FileNameProblem(string fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName)) return "is empty";
        if (fileName.Length > 512) return "is longer than 512 characters";
        if (fileName.Any(char.IsControl) || fileName.Contains('\\')) return "contains a backslash or control character";
        if (fileName.StartsWith('/') || Path.IsPathRooted(fileName)) return "is an absolute path";
        if (fileName.Split('/').Any(s => s is "" or "." or ".." || s.Trim() != s)) return "has an empty, '.', '..' or space-padded path segment";
        return null;
    }

    private static Dictionary<int, CocoCategory> CheckCategories(CocoDataset coco, List<string> errors)
    {
        if (coco.Categories.Count == 0) errors.Add("the annotations list no categories.");
        var byId = new Dictionary<int, CocoCategory>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var category in coco.Categories)
        {
            if (!byId.TryAdd(category.Id, category)) errors.Add($"category id {category.Id} is used more than once.");
            if (category.Id <= 0) errors.Add($"category id {category.Id} must be positive (0 is the background label).");
            if (string.IsNullOrWhiteSpace(category.Name)) errors.Add($"category {category.Id} has no name.");
            else if (!names.Add(category.Name.Trim())) errors.Add($"category name '{category.Name}' is used more than once.");
        }
        return byId;
    }

    /// <summary>Reads and decodes every image; returns the images that can be checked against (by id).</summary>
    private static async Task<Dictionary<long, CocoImage>> CheckImagesAsync(CocoDataset coco, FolderDatasetSource source, List<string> errors, CancellationToken ct)
    {
        if (coco.Images.Count == 0) errors.Add("the annotations list no images.");
        var byId = new Dictionary<long, CocoImage>();
        var fileNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var image in coco.Images)
        {
            ct.ThrowIfCancellationRequested();
            var what = $"image {image.Id} '{image.FileName}'";
            if (!byId.TryAdd(image.Id, image)) errors.Add($"image id {image.Id} is used more than once.");
            if (FileNameProblem(image.FileName) is { } problem)
            {
                errors.Add($"{what}: the file name {problem}.");
                continue;
            }
            if (!fileNames.Add(image.FileName)) errors.Add($"{what}: the file name is listed more than once.");
            if (image.Width <= 0 || image.Height <= 0) errors.Add($"{what}: width and height must be positive, not {image.Width}x{image.Height}.");
            try
            {
                var decoded = ImageDecoder.Decode(await source.ReadImageAsync(image.FileName, ct).ConfigureAwait(false));
                if (decoded.Width != image.Width || decoded.Height != image.Height)
                    errors.Add($"{what}: the file is {decoded.Width}x{decoded.Height}, the annotations say {image.Width}x{image.Height}.");
            }
            catch (FileNotFoundException)
            {
                errors.Add($"{what}: images/{image.FileName} does not exist.");
            }
            catch (Exception e) when (e is ImageDecodeException or InvalidDataException)
            {
                errors.Add($"{what}: {e.Message}");
            }
        }
        return byId;
    }

    private static void CheckAnnotations(CocoDataset coco, Dictionary<long, CocoImage> images, Dictionary<int, CocoCategory> categories, List<string> errors)
    {
        var ids = new HashSet<long>();
        foreach (var annotation in coco.Annotations)
        {
            var what = $"annotation {annotation.Id}";
            if (!ids.Add(annotation.Id)) errors.Add($"annotation id {annotation.Id} is used more than once.");
            if (!categories.ContainsKey(annotation.CategoryId)) errors.Add($"{what}: category {annotation.CategoryId} is not in the categories.");
            if (annotation.IsCrowd is not (0 or 1)) errors.Add($"{what}: iscrowd must be 0 or 1, not {annotation.IsCrowd}.");
            if (!images.TryGetValue(annotation.ImageId, out var image))
            {
                errors.Add($"{what}: image {annotation.ImageId} is not in the images.");
                continue;
            }
            what += $" (image {image.Id} '{image.FileName}', {image.Width}x{image.Height})";
            if (BoxProblem(annotation.Bbox, image) is { } box) errors.Add($"{what}: {box}.");
            if (annotation.Segmentation is { } segmentation && SegmentationProblem(segmentation, image) is { } mask) errors.Add($"{what}: {mask}.");
        }
    }

    private static string? BoxProblem(double[] bbox, CocoImage image)
    {
        if (bbox is not { Length: 4 } || bbox.Any(v => !double.IsFinite(v))) return "bbox must be four finite numbers [x, y, width, height]";
        var (x, y, w, h) = (bbox[0], bbox[1], bbox[2], bbox[3]);
        if (w <= 0 || h <= 0) return $"bbox [{x}, {y}, {w}, {h}] has no area";
        return x < -EdgeTolerance || y < -EdgeTolerance || x + w > image.Width + EdgeTolerance || y + h > image.Height + EdgeTolerance
            ? $"bbox [{x}, {y}, {w}, {h}] reaches outside the image"
            : null;
    }

    private static string? SegmentationProblem(CocoAnnotationSegmentation segmentation, CocoImage image)
    {
        if (segmentation.Polygons is { } polygons)
        {
            if (polygons.Count == 0) return "the segmentation lists no polygons";
            foreach (var polygon in polygons)
            {
                if (polygon.Length < 6 || polygon.Length % 2 != 0) return "a polygon needs at least three x,y points";
                for (var i = 0; i < polygon.Length; i += 2)
                {
                    var (px, py) = (polygon[i], polygon[i + 1]);
                    if (!double.IsFinite(px) || !double.IsFinite(py)
                        || px < -EdgeTolerance || py < -EdgeTolerance || px > image.Width + EdgeTolerance || py > image.Height + EdgeTolerance)
                        return $"polygon point ({px}, {py}) lies outside the image";
                }
            }
            return null;
        }
        try
        {
            // An RLE must have the image's size and runs that add up to it; decoding checks both.
            _ = segmentation.ToMask(image.Height, image.Width);
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or FormatException or OverflowException)
        {
            return $"the RLE segmentation is invalid: {e.Message}";
        }
    }
}
