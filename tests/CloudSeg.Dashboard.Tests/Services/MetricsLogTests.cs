using CloudSeg.Dashboard.Services;

namespace CloudSeg.Dashboard.Tests.Services;

public sealed class MetricsLogTests
{
    [Fact]
    public void Loss_fields_become_curves_over_the_step_field()
    {
        const string log = """
            {"step": 10, "loss": 2.5, "loss_mask": 0.9, "lr": 0.01}
            {"step": 20, "loss": 1.5, "loss_mask": 0.7, "loss_maskiou": 0.3, "lr": 0.01}
            {"step": 30, "loss": 1.0
            {"event": "checkpoint"}
            {"step": 40, "loss": 0.8, "loss_mask": 0.5, "loss_maskiou": 0.2}
            """;

        var parsed = MetricsLog.Parse(new StringReader(log));

        Assert.Equal([10, 20, 40], parsed.Steps); // the cut line and the line without losses are skipped
        Assert.Equal(["loss", "loss_mask", "loss_maskiou"], parsed.Losses.Keys.Order());
        Assert.Equal([2.5, 1.5, 0.8], parsed.Losses["loss"]);
        Assert.True(double.IsNaN(parsed.Losses["loss_maskiou"][0])); // starts later: padded so points line up with steps
        Assert.Equal(0.2, parsed.Losses["loss_maskiou"][2]);
    }
}
