using CloudSeg.Dashboard.Overlay;

namespace CloudSeg.Dashboard.Tests.Components;

public sealed class OverlayStateTests
{
    [Fact]
    public void An_instance_shows_only_when_it_its_class_and_its_score_allow_it()
    {
        var state = new OverlayState(OverlayTestData.Instances());
        Assert.Equal(["circle", "square"], state.Classes);
        Assert.Equal(2, state.CountOfClass("circle"));

        state.SetClassEnabled("circle", false);
        state.SetInstanceEnabled(0, false);
        Assert.Equal([1], state.VisibleIds());

        // Re-enabling the class brings back only the instances not switched off on their own.
        state.SetClassEnabled("circle", true);
        Assert.Equal([1, 2], state.VisibleIds());

        state.ScoreThreshold = 0.7;
        Assert.Equal([1], state.VisibleIds()); // 0.7 itself passes: the threshold is inclusive
    }
}
