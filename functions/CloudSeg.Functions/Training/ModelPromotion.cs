using System.Text.Json;
using CloudSeg.Inference;

namespace CloudSeg.Functions.Training;

/// <summary>
/// The promotion rule: a new model replaces the current one only if its mask AP on the validation set (from its model
/// card; the MaskIoU-rescored figure when the card has one, since that is what serving uses) is at least the current's.
/// A current model without measured AP (the bundled test model) is beaten by any measured model.
/// </summary>
public static class ModelPromotion
{
    public sealed record Decision(bool Promote, double? CandidateMaskAp, double? CurrentMaskAp, string Reason);

    public static Decision Decide(string candidateCardJson, string? currentCardJson)
    {
        var candidateAp = MaskAp(Parse(candidateCardJson));
        var currentAp = currentCardJson is null ? null : MaskAp(Parse(currentCardJson));
        if (candidateAp is null)
            return new Decision(false, null, currentAp, "The new model's card has no mask AP; it cannot be compared.");
        if (currentAp is null)
            return new Decision(true, candidateAp, null, $"Mask AP {candidateAp:0.000}; the current model has no measured AP.");
        return candidateAp >= currentAp
            ? new Decision(true, candidateAp, currentAp, $"Mask AP {candidateAp:0.000} ≥ current {currentAp:0.000}.")
            : new Decision(false, candidateAp, currentAp, $"Mask AP {candidateAp:0.000} < current {currentAp:0.000}; kept the current model.");
    }

    public static double? MaskAp(ModelCard card) => (card.Metrics?.SegmRescored ?? card.Metrics?.Segm)?.Ap;

    private static ModelCard Parse(string json) =>
        JsonSerializer.Deserialize<ModelCard>(json, ModelCard.JsonOptions) ?? throw new InvalidDataException("Empty model card.");
}
