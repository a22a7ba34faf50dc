using System.Globalization;

namespace CloudSeg.Retraining;

/// <summary>
/// The promotion rule, on one yardstick: candidate and current model are measured by the same job on the same
/// validation split, and the candidate replaces the current one only when its mask AP ≥ current + MinImprovement.
/// With no current model (a fresh registry) any candidate that produced a measurement is promoted.
/// </summary>
public static class PromotionRule
{
    public sealed record Decision(bool Promote, string Sentence);

    public static Decision Decide(double candidateMaskAp, double? currentMaskAp, double minImprovement)
    {
        string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
        string margin = minImprovement.ToString("0.###", CultureInfo.InvariantCulture);
        if (currentMaskAp is not { } current)
            return new Decision(true, $"promoted: candidate {F(candidateMaskAp)}; there was no current model");
        return candidateMaskAp >= current + minImprovement
            ? new Decision(true, $"promoted: candidate {F(candidateMaskAp)} ≥ current {F(current)} + {margin}")
            : new Decision(false, $"kept current: candidate {F(candidateMaskAp)} < current {F(current)} + {margin}");
    }
}
