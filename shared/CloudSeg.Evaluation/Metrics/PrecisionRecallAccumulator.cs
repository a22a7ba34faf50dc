using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CloudSeg.Evaluation.Metrics;

/// <summary>
/// pycocotools' <c>accumulate</c>: pools the per-image matchings of a category into a precision/recall curve per IoU
/// threshold, takes its monotone (non-increasing) envelope and samples it at the recall thresholds.
/// Precision and recall stay -1 where a category has no (non-ignored) ground truth.
/// </summary>
internal static class PrecisionRecallAccumulator
{
    // numpy's np.spacing(1): keeps 0/0 away from precision when a threshold has neither TP nor FP.
    private const double Epsilon = 2.220446049250313e-16;

    /// <param name="evaluations">[category][area range][image], null where an image has nothing of that category.</param>
    /// <returns>precision[T, R, K, A, M] and recall[T, K, A, M].</returns>
    public static (double[,,,,] Precision, double[,,,] Recall) Accumulate(ImageEvaluation?[][][] evaluations, CocoEvalParameters parameters)
    {
        var t = parameters.IouThresholds.Count;
        var r = parameters.RecallThresholds.Count;
        var k = evaluations.Length;
        var a = parameters.AreaRanges.Count;
        var m = parameters.MaxDetections.Count;
        var precision = new double[t, r, k, a, m];
        var recall = new double[t, k, a, m];
        Fill(precision, -1);
        Fill(recall, -1);

        for (var category = 0; category < k; category++)
        {
            for (var area = 0; area < a; area++)
            {
                var images = evaluations[category][area].OfType<ImageEvaluation>().ToArray();
                if (images.Length == 0)
                {
                    continue;
                }
                for (var maxIndex = 0; maxIndex < m; maxIndex++)
                {
                    AccumulateOne(images, parameters.MaxDetections[maxIndex], parameters, (threshold, values, maxRecall) =>
                    {
                        recall[threshold, category, area, maxIndex] = maxRecall;
                        for (var i = 0; i < r; i++)
                        {
                            precision[threshold, i, category, area, maxIndex] = values[i];
                        }
                    });
                }
            }
        }
        return (precision, recall);
    }

    private static void AccumulateOne(ImageEvaluation[] images, int maxDetections, CocoEvalParameters parameters, Action<int, double[], double> store)
    {
        var relevantGroundTruth = images.Sum(e => e.GroundTruthIgnored.Count(ignored => !ignored));
        if (relevantGroundTruth == 0)
        {
            return;
        }

        // Pool each image's top detections, then order them all by score (stable: ties keep image order).
        var pooled = images
            .SelectMany(e => Enumerable.Range(0, Math.Min(maxDetections, e.DetectionScores.Length)).Select(d => (Image: e, Index: d)))
            .ToArray();
        var order = Enumerable.Range(0, pooled.Length).OrderBy(i => -pooled[i].Image.DetectionScores[pooled[i].Index]).ToArray();

        var recallThresholds = parameters.RecallThresholds;
        for (var threshold = 0; threshold < parameters.IouThresholds.Count; threshold++)
        {
            var recall = new double[order.Length];
            var precision = new double[order.Length];
            double truePositives = 0, falsePositives = 0;
            for (var i = 0; i < order.Length; i++)
            {
                var (image, index) = pooled[order[i]];
                if (!image.DetectionIgnored[threshold, index])
                {
                    if (image.DetectionMatched[threshold, index])
                    {
                        truePositives++;
                    }
                    else
                    {
                        falsePositives++;
                    }
                }
                recall[i] = truePositives / relevantGroundTruth;
                precision[i] = truePositives / (falsePositives + truePositives + Epsilon);
            }

            for (var i = order.Length - 1; i > 0; i--)
            {
                if (precision[i] > precision[i - 1])
                {
                    precision[i - 1] = precision[i];
                }
            }

            // For each recall threshold, the precision at the first point reaching it (numpy searchsorted 'left');
            // thresholds beyond the curve's final recall get 0.
            var sampled = new double[recallThresholds.Count];
            var point = 0;
            for (var ri = 0; ri < recallThresholds.Count; ri++)
            {
                while (point < recall.Length && recall[point] < recallThresholds[ri])
                {
                    point++;
                }
                if (point == recall.Length)
                {
                    break;
                }
                sampled[ri] = precision[point];
            }
            store(threshold, sampled, order.Length > 0 ? recall[^1] : 0);
        }
    }

    /// <summary>Sets every element of a multi-dimensional array (stored contiguously) to <paramref name="value"/>.</summary>
    private static void Fill(Array array, double value) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<byte, double>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length).Fill(value);
}
