using CloudSeg.Core.Coco;
using CloudSeg.Evaluation.Coco;

namespace CloudSeg.Evaluation.Metrics;

/// <summary>
/// COCO AP/AR evaluation with exactly pycocotools' COCOeval semantics (evaluate → accumulate → summarize) for the
/// "bbox" and "segm" IoU types, so numbers are comparable with published COCO results.
/// </summary>
public static class CocoEvaluator
{
    /// <summary>Evaluates detections against ground truth, over the ground truth's images and categories.</summary>
    /// <exception cref="InvalidDataException">A detection names an image that is not in the ground truth.</exception>
    public static CocoEvalSummary Evaluate(
        CocoDataset groundTruth,
        IReadOnlyList<CocoResult> detections,
        IouType iouType,
        CocoEvalParameters? parameters = null)
    {
        parameters ??= new CocoEvalParameters();
        var imageIds = groundTruth.Images.Select(i => i.Id).Distinct().Order().ToArray();
        var categoryIds = groundTruth.Categories.Select(c => c.Id).Distinct().Order().ToArray();

        var gts = GroupByImageAndCategory(EvalInstances.FromGroundTruth(groundTruth, iouType));
        var dts = GroupByImageAndCategory(EvalInstances.FromDetections(groundTruth, detections, iouType));
        var maxDetections = parameters.MaxDetections.Max();

        var evaluations = new ImageEvaluation?[categoryIds.Length][][];
        for (var k = 0; k < categoryIds.Length; k++)
        {
            // Per image: detections by descending score (stable, like numpy's mergesort), capped, and their IoUs.
            var perImage = imageIds.Select(imageId =>
            {
                var key = (imageId, categoryIds[k]);
                var gt = gts.GetValueOrDefault(key) ?? [];
                var dt = (dts.GetValueOrDefault(key) ?? []).OrderByDescending(d => d.Score).Take(maxDetections).ToArray();
                return (Gt: gt, Dt: dt, Ious: InstanceIou.Matrix(dt, gt, iouType));
            }).ToArray();

            evaluations[k] = parameters.AreaRanges
                .Select(area => perImage.Select(i => ImageEvaluation.Evaluate(i.Gt, i.Dt, i.Ious, area, parameters.IouThresholds)).ToArray())
                .ToArray();
        }

        var (precision, recall) = PrecisionRecallAccumulator.Accumulate(evaluations, parameters);
        return new CocoEvalSummary(iouType, Summarize(precision, recall, parameters));
    }

    private static Dictionary<(long ImageId, int CategoryId), List<EvalInstance>> GroupByImageAndCategory(IEnumerable<EvalInstance> instances)
    {
        var groups = new Dictionary<(long, int), List<EvalInstance>>();
        foreach (var instance in instances)
        {
            var key = (instance.ImageId, instance.CategoryId);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
            }
            list.Add(instance);
        }
        return groups;
    }

    private static double[] Summarize(double[,,,,] precision, double[,,,] recall, CocoEvalParameters parameters)
    {
        var lastMaxDets = parameters.MaxDetections.Count - 1;
        double AP(double? iouThreshold = null, string area = "all") =>
            MeanAveragePrecision(precision, parameters, iouThreshold, AreaIndex(parameters, area), lastMaxDets);
        double AR(int maxDetsIndex, string area = "all") =>
            MeanRecall(recall, AreaIndex(parameters, area), maxDetsIndex);

        return
        [
            AP(), AP(0.5), AP(0.75), AP(area: "small"), AP(area: "medium"), AP(area: "large"),
            AR(0), AR(1), AR(lastMaxDets), AR(lastMaxDets, "small"), AR(lastMaxDets, "medium"), AR(lastMaxDets, "large"),
        ];
    }

    private static int AreaIndex(CocoEvalParameters parameters, string label) =>
        parameters.AreaRanges.Select((a, i) => (a, i)).First(p => p.a.Label == label).i;

    private static double MeanAveragePrecision(double[,,,,] precision, CocoEvalParameters parameters, double? iouThreshold, int area, int maxDets)
    {
        var values = new List<double>();
        for (var t = 0; t < precision.GetLength(0); t++)
        {
            // Exact comparison, as pycocotools' np.where(iouThr == p.iouThrs).
            if (iouThreshold is { } wanted && parameters.IouThresholds[t] != wanted)
            {
                continue;
            }
            for (var r = 0; r < precision.GetLength(1); r++)
            {
                for (var k = 0; k < precision.GetLength(2); k++)
                {
                    values.Add(precision[t, r, k, area, maxDets]);
                }
            }
        }
        return MeanOfValid(values);
    }

    private static double MeanRecall(double[,,,] recall, int area, int maxDets)
    {
        var values = new List<double>();
        for (var t = 0; t < recall.GetLength(0); t++)
        {
            for (var k = 0; k < recall.GetLength(1); k++)
            {
                values.Add(recall[t, k, area, maxDets]);
            }
        }
        return MeanOfValid(values);
    }

    private static double MeanOfValid(IEnumerable<double> values)
    {
        var valid = values.Where(v => v > -1).ToArray();
        return valid.Length == 0 ? -1 : valid.Average();
    }
}
