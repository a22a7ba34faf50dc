using System.Text.Json;
using CloudSeg.Core.Masks;
using CloudSeg.Datasets;
using CloudSeg.Evaluation.Coco;
using CloudSeg.Training.Backbone;
using CloudSeg.Training.Engine;
using CloudSeg.Training.Detection;
using static TorchSharp.torch;

namespace CloudSeg.Training.Tests;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class MaskRcnnModelTests
{
    static MaskRcnnOptions TinyOptions() => MaskRcnnOptions.Small(numClasses: 3, imageSize: 96) with { MaxSize = 128 };

    [Fact]
    public void State_dict_names_and_shapes_are_torchvisions()
    {
        var expected = JsonSerializer.Deserialize<Dictionary<string, long[]>>(File.ReadAllText(
            Path.Combine(AppContext.BaseDirectory, "fixtures", "training", "maskrcnn_resnet50_fpn_names.json")))!;
        using var model = new MaskRcnn(new MaskRcnnOptions { NumClasses = 3, RoIHeads = new RoIHeadsOptions { MaskIouHead = false } });

        var actual = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);

        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, shape) in expected) Assert.True(shape.SequenceEqual(actual[name]), name);
    }

    [Fact]
    public void Backbone_returns_P2_to_P6_at_their_strides()
    {
        using var backbone = new BackboneWithFpn(ResNetDepth.ResNet18, NormLayer.FrozenBatchNorm, 16, 32, 5);
        using var images = randn(2, 3, 64, 96);

        var pyramid = backbone.call(images);

        long[][] expected = { new long[] { 2, 32, 16, 24 }, new long[] { 2, 32, 8, 12 }, new long[] { 2, 32, 4, 6 },
            new long[] { 2, 32, 2, 3 }, new long[] { 2, 32, 1, 2 } };
        Assert.Equal(expected, pyramid.Select(p => p.shape));
    }

    [Fact]
    public void Training_forward_reports_the_six_losses_and_all_trainable_parameters_get_gradients()
    {
        manual_seed(1);
        using var model = new MaskRcnn(TinyOptions());
        model.train();
        var scenes = new[] { SyntheticScenes.Make(1), SyntheticScenes.Make(2) };

        var losses = model.ComputeLosses(scenes.Select(s => s.Image).ToArray(), scenes.Select(s => s.Target).ToArray());

        Assert.Equal(new[] { "fastrcnn_bbox_loss", "fastrcnn_class_loss", "maskiou_loss", "maskrcnn_mask_loss",
            "rpn_bbox_loss", "rpn_class_loss" }, losses.Keys.Order());
        foreach (var (name, loss) in losses)
            Assert.True(float.IsFinite(loss.item<float>()) && loss.item<float>() >= 0, $"{name} = {loss.item<float>()}");
        stack(losses.Values.ToArray()).sum().backward();
        var withoutGradient = model.named_parameters().Where(p => p.parameter.requires_grad && p.parameter.grad is null)
            .Select(p => p.name).ToList();
        Assert.Empty(withoutGradient);
    }

    [Fact]
    public void Detect_returns_boxes_masks_and_mask_iou_in_original_pixels()
    {
        manual_seed(2);
        using var model = new MaskRcnn(TinyOptions() with { RoIHeads = TinyOptions().RoIHeads with { ScoreThreshold = 0.0 } });
        model.eval();
        var (image, _) = SyntheticScenes.Make(3, height: 120, width: 160);

        var detections = model.Detect(new[] { image, SyntheticScenes.Make(4).Image });

        Assert.Equal(2, detections.Length);
        var first = detections[0];
        long count = first.Boxes.shape[0];
        Assert.InRange(count, 1, 100);
        Assert.Equal(new[] { count, 1L, 28L, 28L }, first.Masks.shape);
        Assert.Equal(new[] { count }, first.MaskIou!.shape);
        Assert.Equal(new[] { count }, first.Scores.shape);
        // Resized 120×160 → 96×128 and back: boxes span the original image, not the resized one.
        Assert.True(first.Boxes[.., 2].max().item<float>() <= 160 && first.Boxes[.., 3].max().item<float>() <= 120);
        Assert.True(first.Boxes[.., 2].max().item<float>() > 128 || first.Boxes[.., 3].max().item<float>() > 96);
        Assert.True(first.Masks.min().item<float>() >= 0 && first.Masks.max().item<float>() <= 1);
    }

    [Fact]
    public void Detect_with_nothing_above_threshold_returns_empty_tensors()
    {
        using var model = new MaskRcnn(TinyOptions() with { RoIHeads = TinyOptions().RoIHeads with { ScoreThreshold = 1.0 } });
        model.eval();

        var detections = model.Detect(new[] { zeros(3, 64, 64) });

        Assert.Equal(0, detections[0].Boxes.shape[0]);
        Assert.Equal(new[] { 0L, 1L, 28L, 28L }, detections[0].Masks.shape);
        Assert.Equal(0, detections[0].MaskIou!.shape[0]);
        var categories = new CategoryMap([new CocoCategory { Id = 5, Name = "a" }, new CocoCategory { Id = 9, Name = "b" }]);
        Assert.Empty(ModelEvaluation.ToCocoResults(detections[0], imageId: 1, height: 64, width: 64, categories, MaskPasteMode.Aligned));
    }

    [Fact]
    public void Small_model_stays_within_the_onnx_size_budget()
    {
        using var model = new MaskRcnn(MaskRcnnOptions.Small(numClasses: 8));
        long parameters = model.parameters().Sum(p => p.numel());
        // 20 MB of float32 weights.
        Assert.InRange(parameters, 1_000_000, 5_000_000);
    }
}
