using CloudSeg.Training.Yolact;
using static TorchSharp.torch;

namespace CloudSeg.Training.Tests;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class FastMaskIoUNetTests
{
    static YolactOptions TinyOptions() =>
        YolactOptions.Small(numClasses: 3, imageSize: 128) with { PrototypeCount = 8, HeadChannels = 32, MaskRescoring = true };

    [Fact]
    public void The_target_is_the_iou_of_the_mask_above_one_half_with_the_ground_truth()
    {
        using var masks = zeros(1, 4, 4);
        masks[0, 0, ..] = 0.9f;   // 4 cells predicted, 2 of them in the ground truth
        masks[0, 1, 0] = 0.4f;    // below 0.5: not predicted
        using var truth = zeros(1, 4, 4);
        truth[0, 0, ..2] = 1;
        truth[0, 1, ..2] = 1;

        Assert.Equal(2f / 6f, FastMaskIoUNet.Targets(masks, truth).item<float>(), 5);
    }

    [Fact]
    public void A_yolact_with_the_branch_trains_it_and_scores_every_detection()
    {
        manual_seed(5);
        using var model = new YolactModel(TinyOptions() with { ScoreThreshold = 0.0 });
        model.train();
        var scenes = new[] { SyntheticScenes.Make(1), SyntheticScenes.Make(2) };

        var losses = model.ComputeLosses(scenes.Select(s => s.Image).ToArray(), scenes.Select(s => s.Target).ToArray());
        losses["yolact_maskiou_loss"].backward();

        var branch = model.named_parameters().Where(p => p.name.StartsWith("maskiou_net.")).ToArray();
        Assert.NotEmpty(branch);
        Assert.Contains(branch, p => p.parameter.grad is { } g && g.abs().sum().item<float>() > 0);
        // The branch learns from detached masks: the mask coefficients get no gradient from it.
        Assert.All(model.named_parameters().Where(p => p.name.StartsWith("prediction_layers.")), p => Assert.True(p.parameter.grad is null || p.parameter.grad.abs().sum().item<float>() == 0));

        model.eval();
        var detections = model.Detect([scenes[0].Image])[0];
        Assert.NotNull(detections.MaskIou);
        Assert.Equal(detections.Scores.shape, detections.MaskIou!.shape);
        Assert.True(detections.MaskIou.min().item<float>() >= 0);
    }
}
