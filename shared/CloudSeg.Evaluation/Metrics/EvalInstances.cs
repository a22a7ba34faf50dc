using CloudSeg.Core.Coco;
using CloudSeg.Core.Masks;
using CloudSeg.Evaluation.Coco;

namespace CloudSeg.Evaluation.Metrics;

/// <summary>
/// Turns ground-truth annotations and detections into <see cref="EvalInstance"/>s the way pycocotools'
/// <c>COCO.loadRes</c> and <c>COCOeval._prepare</c> do, including which area a detection is bucketed by.
/// </summary>
internal static class EvalInstances
{
    public static IEnumerable<EvalInstance> FromGroundTruth(CocoDataset groundTruth, IouType iouType)
    {
        var images = groundTruth.Images.ToDictionary(i => i.Id);
        var categories = groundTruth.Categories.Select(c => c.Id).ToHashSet();
        foreach (var annotation in groundTruth.Annotations)
        {
            // pycocotools only ever looks up annotations of listed images and categories.
            if (!images.TryGetValue(annotation.ImageId, out var image) || !categories.Contains(annotation.CategoryId))
            {
                continue;
            }
            RleMask? mask = null;
            if (iouType == IouType.Segm)
            {
                var segmentation = annotation.Segmentation
                    ?? throw new InvalidDataException($"Annotation {annotation.Id} has no segmentation; segm evaluation needs one.");
                mask = segmentation.ToMask(image.Height, image.Width);
            }
            yield return new EvalInstance(annotation.Id, annotation.ImageId, annotation.CategoryId, Score: 0,
                annotation.Area, annotation.IsCrowd != 0, annotation.Bbox, mask);
        }
    }

    /// <summary>
    /// Detections get ids 1..N in list order. When the results carry boxes (judged by the first one, as loadRes does),
    /// a detection's area is its box area, even for segm; otherwise its mask area, and its box is the mask's.
    /// </summary>
    public static IEnumerable<EvalInstance> FromDetections(CocoDataset groundTruth, IReadOnlyList<CocoResult> detections, IouType iouType)
    {
        var images = groundTruth.Images.ToDictionary(i => i.Id);
        var categories = groundTruth.Categories.Select(c => c.Id).ToHashSet();
        var resultsHaveBoxes = detections.Count > 0 && detections[0].Bbox is { Length: > 0 };
        for (var i = 0; i < detections.Count; i++)
        {
            var detection = detections[i];
            if (!images.TryGetValue(detection.ImageId, out var image))
            {
                throw new InvalidDataException($"Detection #{i + 1} is for image {detection.ImageId}, which is not in the ground truth.");
            }
            if (!categories.Contains(detection.CategoryId))
            {
                continue;
            }

            var box = resultsHaveBoxes ? BoxOf(detection, i) : null;
            var needsMask = iouType == IouType.Segm || box is null;
            var mask = needsMask ? MaskOf(detection, box, image, i) : null;
            box ??= ToDoubles(mask!.BoundingBox.ToXywh());
            var area = resultsHaveBoxes ? box[2] * box[3] : mask!.Area;
            yield return new EvalInstance(i + 1, detection.ImageId, detection.CategoryId, detection.Score, area, IsCrowd: false, box, mask);
        }
    }

    private static double[] BoxOf(CocoResult detection, int index) =>
        detection.Bbox is { Length: 4 } box
            ? ToDoubles(box)
            : throw new InvalidDataException($"Detection #{index + 1} has no [x, y, w, h] bbox, unlike the first detection.");

    /// <summary>The detection's RLE, or, for box-only results, the box as a polygon (as loadRes makes it).</summary>
    private static RleMask MaskOf(CocoResult detection, double[]? box, CocoImage image, int index)
    {
        if (detection.Segmentation is { } segmentation)
        {
            return segmentation.ToMask();
        }
        if (box is null)
        {
            throw new InvalidDataException($"Detection #{index + 1} has neither a bbox nor a segmentation.");
        }
        double x1 = box[0], y1 = box[1], x2 = box[0] + box[2], y2 = box[1] + box[3];
        return RleMask.FromPolygons([[x1, y1, x1, y2, x2, y2, x2, y1]], image.Height, image.Width);
    }

    private static double[] ToDoubles(IReadOnlyList<float> values) => values.Select(v => (double)v).ToArray();
}
