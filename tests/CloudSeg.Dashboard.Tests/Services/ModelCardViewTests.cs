using CloudSeg.Dashboard.Services;

namespace CloudSeg.Dashboard.Tests.Services;

public sealed class ModelCardViewTests
{
    [Fact]
    public void Nested_metrics_become_one_ap_row_per_path()
    {
        const string card = """
            {
              "name": "shapes", "format": "cloudseg", "version": "v3",
              "classes": ["__background__", "circle", "square"],
              "score_threshold": 0.3,
              "metrics": {
                "bbox": { "AP": 0.61, "AP50": 0.9, "AP75": 0.7, "APs": 0.2, "APm": 0.6, "APl": 0.8 },
                "segm": { "AP": 0.55, "AP50": 0.88 },
                "segm_rescored": { "AP": 0.58 },
                "bbox_rescored": { "AP": 0.62 },
                "extra": { "per_class": { "AP": 0.4 } },
                "dataset": "shapes-val"
              },
              "training": { "date": "2026-11-24", "epochs": 12 }
            }
            """;

        var view = ModelCardView.Parse(card);

        Assert.Equal(["circle", "square"], view.Classes);
        Assert.Equal(0.3, view.ScoreThreshold);
        Assert.Equal(["box", "box, MaskIoU rescored", "extra / per_class", "mask", "mask, MaskIoU rescored"], view.Metrics.Select(r => r.Name));
        var rows = view.Metrics.ToDictionary(r => r.Name);
        Assert.Equal(0.61, rows["box"]["AP"]);
        Assert.Equal(0.8, rows["box"]["APl"]);
        Assert.Null(rows["mask"]["APl"]);
        Assert.Equal(0.58, rows["mask, MaskIoU rescored"]["AP"]);
        Assert.Equal(0.62, rows["box, MaskIoU rescored"]["AP"]);
        Assert.Equal("12", view.Training["epochs"]);
    }

    [Fact]
    public void Missing_or_empty_card_gives_an_empty_view()
    {
        Assert.Empty(ModelCardView.Parse(null).Metrics);
        Assert.Empty(ModelCardView.Parse("""{"metrics": {}}""").Metrics);
    }

    [Theory]
    [InlineData("""{ "name": "old", "format": "cloudseg" }""", "mask_rcnn")]
    [InlineData("""{ "name": "yolo", "architecture": "yolo_seg", "format": "ultralytics" }""", "yolo_seg")]
    public void The_architecture_is_shown_and_old_cards_are_mask_rcnn(string card, string architecture)
    {
        var view = ModelCardView.Parse(card);
        Assert.Equal(architecture, view.Architecture);
        Assert.Null(view.Problem);
    }

    [Fact]
    public void A_malformed_card_gives_a_view_that_says_why()
    {
        var view = ModelCardView.Parse("""{ "architecture": "detr" }""");
        Assert.Null(view.Name);
        Assert.Contains("not a valid model card", view.Problem);
    }
}
