using CloudSeg.ModelCards;
using CloudSeg.Tests;
using Xunit.Abstractions;

namespace CloudSeg.Inference.Tests;

public sealed class OtherFormatTests(ITestOutputHelper log)
{
    private static readonly SegmentRequestOptions AllDetections = new() { ScoreThreshold = 0f };

    public static TheoryData<string> Images => new(ExpectedOutputs.Read(RepoPaths.FixtureModel("modelzoo-tiny")).Keys);

    [Theory]
    [MemberData(nameof(Images))]
    public async Task Modelzoo_graph_gets_resized_bgr_input_and_its_28x28_masks_are_pasted(string image)
    {
        var expected = ExpectedOutputs.Read(RepoPaths.FixtureModel("modelzoo-tiny"))[image];
        using var segmenter = MaskRcnnSegmenter.Load(RepoPaths.FixtureModel("modelzoo-tiny"), new SegmenterOptions { IntraOpThreads = 1 });
        Assert.Equal(ModelFormat.ModelZoo, segmenter.Format);

        var result = await segmenter.SegmentAsync(FixtureComparison.LoadImage(image), AllDetections);

        // Upscaled to 800 px, the small fixture images have flat areas where the random RPN gives neighbouring anchors
        // objectness equal to the last bit, and ONNX Runtime's TopK/NMS break such ties differently from PyTorch, so a
        // few proposals (and then detections) differ. Everything else — our resize (≤ 3e-5 from PyTorch's on 0–255
        // values), BGR mean, padding, box scaling and mask pasting — must reproduce the reference exactly.
        FixtureComparison.AssertMostlyMatches(expected, result, minFraction: 0.85, log);
    }

    [Fact]
    public async Task Cloudseg_graph_rescoring_by_mask_iou_is_on_by_default_and_switchable()
    {
        var expected = ExpectedOutputs.Read(RepoPaths.FixtureModel("cloudseg-tiny"))["landscape_320x240"];
        using var segmenter = MaskRcnnSegmenter.Load(RepoPaths.FixtureModel("cloudseg-tiny"), new SegmenterOptions { IntraOpThreads = 1 });
        var image = FixtureComparison.LoadImage("landscape_320x240");
        Assert.Equal(ModelFormat.CloudSeg, segmenter.Format);
        Assert.True(segmenter.PastesMasks);

        var raw = await segmenter.SegmentAsync(image, AllDetections with { UseMaskIouRescoring = false });
        FixtureComparison.AssertMatches(expected, raw, boxTolerance: 1e-3, maskAreaTolerance: 0.01, log);

        var rescored = await segmenter.SegmentAsync(image, AllDetections);
        FixtureComparison.AssertMatches(expected, rescored, boxTolerance: 1e-3, maskAreaTolerance: 0.01, log, compareRescoredScores: true);
        Assert.Equal(rescored.Instances.OrderByDescending(i => i.Score).Select(i => i.Score), rescored.Instances.Select(i => i.Score));
        Assert.All(rescored.Instances, i => Assert.True(i.MaskIou is > 0f and < 1f));
    }

    [Fact]
    public async Task Cloudseg_card_with_aligned_paste_keeps_every_mask_inside_its_box()
    {
        using var folder = CopyOfCloudsegTiny(maskPaste: "aligned");
        using var segmenter = MaskRcnnSegmenter.Load(folder.Path, new SegmenterOptions { IntraOpThreads = 1 });

        var result = await segmenter.SegmentAsync(FixtureComparison.LoadImage("landscape_320x240"), AllDetections);

        // Aligned, a pixel is foreground only if its centre lies in the box; torchvision's paste spills past it.
        Assert.NotEmpty(result.Instances);
        foreach (var instance in result.Instances.Where(i => i.Mask.Area > 0))
        {
            var extent = instance.Mask.BoundingBox;
            Assert.True(extent.X1 + 0.5f >= instance.Box.X1 && extent.X2 - 0.5f <= instance.Box.X2 &&
                        extent.Y1 + 0.5f >= instance.Box.Y1 && extent.Y2 - 0.5f <= instance.Box.Y2,
                $"mask extent {extent} leaves box {instance.Box}");
        }
    }

    [Fact]
    public void An_unknown_mask_paste_in_the_card_fails_the_load()
    {
        using var folder = CopyOfCloudsegTiny(maskPaste: "sideways");
        var error = Assert.Throws<InvalidDataException>(() => MaskRcnnSegmenter.Load(folder.Path, new SegmenterOptions { IntraOpThreads = 1 }));
        Assert.Contains("mask_paste", error.Message);
    }

    /// <summary>The cloudseg fixture package with its card's mask_paste set.</summary>
    private static TempFolder CopyOfCloudsegTiny(string maskPaste)
    {
        var folder = new TempFolder();
        var source = RepoPaths.FixtureModel("cloudseg-tiny");
        File.Copy(Path.Combine(source, "model.onnx"), Path.Combine(folder.Path, "model.onnx"));
        var card = ModelCard.Read(Path.Combine(source, "model.card.json")) with { MaskPaste = maskPaste };
        card.Write(Path.Combine(folder.Path, "model.card.json"));
        return folder;
    }

    [Theory]
    [InlineData("torchvision-tiny", ModelFormat.Torchvision)]
    [InlineData("modelzoo-tiny", ModelFormat.ModelZoo)]
    [InlineData("cloudseg-tiny", ModelFormat.CloudSeg)]
    public void Format_is_detected_from_the_graph_when_there_is_no_card(string fixture, ModelFormat format)
    {
        using var folder = new TempFolder();
        var onnx = Path.Combine(folder.Path, "exported.onnx");
        File.Copy(Path.Combine(RepoPaths.FixtureModel(fixture), "model.onnx"), onnx);

        using var segmenter = MaskRcnnSegmenter.Load(onnx, new SegmenterOptions { IntraOpThreads = 1 });

        Assert.Equal(format, segmenter.Format);
        Assert.Equal("exported", segmenter.Card.Name);
        Assert.Equal("class 2", segmenter.Card.ClassName(2));
    }

    [Fact]
    public void Explicit_format_overrides_the_card()
    {
        // The cloudseg fixture is torchvision's contract plus mask_iou, so reading it as torchvision must work too.
        using var segmenter = MaskRcnnSegmenter.Load(RepoPaths.FixtureModel("cloudseg-tiny"),
            new SegmenterOptions { Format = ModelFormat.Torchvision, IntraOpThreads = 1 });
        Assert.Equal(ModelFormat.Torchvision, segmenter.Format);
    }

    [Fact]
    public void A_graph_that_is_not_mask_rcnn_is_refused_with_a_clear_error()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "model.onnx");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        var error = Assert.ThrowsAny<Exception>(() => MaskRcnnSegmenter.Load(folder.Path, new SegmenterOptions()));
        Assert.NotNull(error.Message);

        var missing = Assert.Throws<FileNotFoundException>(() => MaskRcnnSegmenter.Load(Path.Combine(folder.Path, "nope"), new SegmenterOptions()));
        Assert.Contains("does not exist", missing.Message);
    }
}
