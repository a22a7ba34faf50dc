using CloudSeg.Retraining;

namespace CloudSeg.Training.Tests;

public sealed class PromotionRuleTests
{
    [Theory]
    [InlineData(0.41, 0.40, 0.0, true, "promoted: candidate 0.410 ≥ current 0.400 + 0")]
    [InlineData(0.40, 0.40, 0.0, true, "promoted: candidate 0.400 ≥ current 0.400 + 0")]
    [InlineData(0.39, 0.40, 0.0, false, "kept current: candidate 0.390 < current 0.400 + 0")]
    [InlineData(0.41, 0.40, 0.02, false, "kept current: candidate 0.410 < current 0.400 + 0.02")]
    [InlineData(0.99, 0.40, 1.0, false, "kept current: candidate 0.990 < current 0.400 + 1")]
    public void The_candidate_needs_the_current_mask_ap_plus_the_margin(double candidate, double current, double margin, bool promote, string sentence)
    {
        var decision = PromotionRule.Decide(candidate, current, margin);

        Assert.Equal((promote, sentence), (decision.Promote, decision.Sentence));
    }

    [Fact]
    public void Without_a_current_model_the_candidate_is_promoted()
    {
        Assert.Equal(new PromotionRule.Decision(true, "promoted: candidate 0.100; there was no current model"), PromotionRule.Decide(0.1, null, 0.5));
    }
}
