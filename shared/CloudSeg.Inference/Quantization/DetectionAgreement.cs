using CloudSeg.Core.Masks;

namespace CloudSeg.Inference.Quantization;

/// <summary>
/// How closely a quantized model reproduces the float model's answers, without labels: per image, each quantized
/// instance (best score first) is matched to the unmatched float instance of the same class with the highest mask IoU
/// (at least 0.5), and agreement = 2 · Σ matched IoU / (float instances + quantized instances). 1 means the same
/// instances with identical masks; a missed, extra or relabelled instance counts 0.
/// </summary>
public static class DetectionAgreement
{
    public const double MinimumIou = 0.5;

    public static double Of(IReadOnlyList<Segmentation> reference, IReadOnlyList<Segmentation> candidate)
    {
        if (reference.Count != candidate.Count)
            throw new ArgumentException("Both models must have segmented the same images.", nameof(candidate));
        double matched = 0;
        var instances = 0;
        for (var i = 0; i < reference.Count; i++)
        {
            var expected = reference[i].Instances;
            instances += expected.Count + candidate[i].Instances.Count;
            var taken = new bool[expected.Count];
            foreach (var instance in candidate[i].Instances.OrderByDescending(x => x.Score))
            {
                var (best, bestIou) = (-1, MinimumIou);
                for (var j = 0; j < expected.Count; j++)
                {
                    if (taken[j] || expected[j].CategoryId != instance.CategoryId) continue;
                    var iou = RleMask.IoU(instance.Mask, expected[j].Mask);
                    if (iou >= bestIou) (best, bestIou) = (j, iou);
                }
                if (best < 0) continue;
                taken[best] = true;
                matched += bestIou;
            }
        }
        // Two models that both find nothing agree.
        return instances == 0 ? 1 : 2 * matched / instances;
    }
}
