using CloudSeg.ModelCards;

namespace CloudSeg.Inference.Tests;

public sealed class ModelCardArchitectureTests
{
    [Fact]
    public void A_card_written_before_the_architecture_field_reads_as_mask_rcnn()
    {
        var card = ModelCard.Parse("""{ "format": "cloudseg", "name": "old", "classes": ["__background__", "circle"] }""");
        Assert.Equal(ModelArchitecture.MaskRcnn, card.Architecture);
    }

    [Theory]
    [InlineData(ModelArchitecture.MaskRcnn, "mask_rcnn")]
    [InlineData(ModelArchitecture.Yolact, "yolact")]
    [InlineData(ModelArchitecture.YoloSeg, "yolo_seg")]
    public void The_architecture_round_trips_under_its_card_name(ModelArchitecture architecture, string name)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new ModelCard { Architecture = architecture }, ModelCard.JsonOptions);
        Assert.Contains($"\"architecture\": \"{name}\"", json);
        Assert.Equal(architecture, ModelCard.Parse(json).Architecture);
        Assert.Equal(architecture, ModelArchitectures.Parse(name));
    }

    [Fact]
    public void An_unknown_architecture_is_a_clear_error()
    {
        var error = Assert.Throws<InvalidDataException>(() => ModelCard.Parse("""{ "architecture": "detr" }""", "card of v7"));
        Assert.Contains("card of v7", error.Message);
    }
}
