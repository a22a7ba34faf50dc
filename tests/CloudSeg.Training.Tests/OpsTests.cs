using CloudSeg.Core.Geometry;
using CloudSeg.Core.Masks;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Ops;
using static CloudSeg.Training.Tests.TorchvisionFixtures;
using static TorchSharp.torch;

namespace CloudSeg.Training.Tests;

/// <summary>Our detection ops against torchvision 0.14's outputs on the same inputs (fixtures/training/ops.json).</summary>
public sealed class OpsTests
{
    [Fact]
    public void RoIAlign_matches_torchvision_including_rois_outside_the_map()
    {
        var fixture = Case("roi_align");
        using var features = fixture.ReadTensor("features");
        using var rois = fixture.ReadTensor("rois");
        long[] size = fixture.ReadLongs("output_size");

        using var pooled = RoIAlign.Apply(features, rois, (int)size[0], (int)size[1],
            fixture.GetProperty("spatial_scale").GetDouble(), samplingRatio: 2, aligned: true);

        using var expected = fixture.ReadTensor("expected");
        AssertClose(expected, pooled);
        Assert.Equal(0f, pooled[5].abs().sum().item<float>());   // every sample above-left of y = x = -1
    }

    [Fact]
    public void RoIAlign_passes_gradients_back_to_the_features()
    {
        var fixture = Case("roi_align");
        using var features = fixture.ReadTensor("features").requires_grad_();
        using var rois = fixture.ReadTensor("rois");

        using var pooled = RoIAlign.Apply(features, rois, 3, 4, 0.5);
        pooled.sum().backward();

        // Each in-map sample spreads weight 1 over its neighbours, so the gradient sums to the number of valid
        // samples / samples per bin; it must at least be positive and finite.
        using var gradient = features.grad!;
        Assert.True(gradient.sum().item<float>() > 0);
        Assert.False(gradient.isnan().any().item<bool>());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void RoIAlign_in_channel_groups_matches_torchvision_and_the_ungrouped_gradient(long groups)
    {
        // The channels twice over (6), so they split into 2 or 3 groups sampled as separate batch entries.
        var fixture = Case("roi_align");
        using var baseFeatures = fixture.ReadTensor("features");
        using var features = cat(new[] { baseFeatures, baseFeatures }, dim: 1).requires_grad_();
        using var ungroupedFeatures = features.detach().clone().requires_grad_();
        using var rois = fixture.ReadTensor("rois");
        double scale = fixture.GetProperty("spatial_scale").GetDouble();

        using var grouped = RoIAlign.Apply(features, rois, 3, 4, scale, 2, true, groups);
        using var ungrouped = RoIAlign.Apply(ungroupedFeatures, rois, 3, 4, scale, 2, true, channelGroups: 1);

        using var expected = fixture.ReadTensor("expected");
        AssertClose(cat(new[] { expected, expected }, dim: 1), grouped);
        // Weight each output differently, so a gradient sent to the wrong channel or sample would show.
        using var weights = arange(grouped.numel(), dtype: float32).view(grouped.shape).sin();
        (grouped * weights).sum().backward();
        (ungrouped * weights).sum().backward();
        AssertClose(ungroupedFeatures.grad!, features.grad!);
    }

    [Fact]
    public void Aligned_mask_targets_paste_back_onto_the_mask_they_were_cut_from()
    {
        // A disc of radius 9 px and its exact box, with sub-pixel corners as a detector predicts them.
        const int size = 40;
        const float centreX = 17.3f, centreY = 21.6f, radius = 9f;
        var pixels = new byte[size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                if (MathF.Pow(x + 0.5f - centreX, 2) + MathF.Pow(y + 0.5f - centreY, 2) <= radius * radius)
                    pixels[y * size + x] = 1;
        var groundTruth = RleMask.Encode(pixels, size, size);
        var box = new BoxF(centreX - radius, centreY - radius, centreX + radius, centreY + radius);

        // The 28×28 training target, cut exactly as RoIHeads cuts mask targets.
        using var masks = tensor(pixels.Select(p => (float)p).ToArray()).view(1, 1, size, size);
        using var rois = tensor(new[] { 0f, box.X1, box.Y1, box.X2, box.Y2 }).view(1, 5);
        using var target = RoIAlign.Apply(masks, rois, 28, 28, 1.0, 2, aligned: true);
        float[] probabilities = target.data<float>().ToArray();

        var aligned = MaskPaster.Paste(probabilities, 28, box, size, size, 0.5f, MaskPasteMode.Aligned);
        var torchvision = MaskPaster.Paste(probabilities, 28, box, size, size, 0.5f, MaskPasteMode.Torchvision);

        double alignedIou = RleMask.IoU(aligned, groundTruth), torchvisionIou = RleMask.IoU(torchvision, groundTruth);
        Assert.True(alignedIou >= 0.97, $"aligned paste IoU {alignedIou:F3}");
        Assert.True(alignedIou > torchvisionIou, $"aligned {alignedIou:F3} vs torchvision {torchvisionIou:F3}");
    }

    [Fact]
    public void MultiScaleRoIAlign_maps_levels_like_torchvision_in_its_legacy_alignment()
    {
        var fixture = Case("multiscale_roi_align");
        var features = fixture.GetProperty("features").EnumerateArray().Select(ToTensor).ToList();
        using var boxes = fixture.ReadTensor("boxes");
        var pooler = new MultiScaleRoIAlign(3, new[] { 4, 8, 16, 32 }, aligned: false);

        using var pooled = pooler.Forward(features, new[] { boxes });

        using var expected = fixture.ReadTensor("expected");
        AssertClose(expected, pooled);
    }

    [Fact]
    public void Nms_keeps_the_same_boxes_as_torchvision()
    {
        var fixture = Case("nms");
        using var boxes = fixture.ReadTensor("boxes");
        using var scores = fixture.ReadTensor("scores");
        using var groups = fixture.ReadTensor("idxs").to(int64);
        double threshold = fixture.GetProperty("iou_threshold").GetDouble();

        using var kept = NonMaximumSuppression.Nms(boxes, scores, threshold);
        using var batchedKept = NonMaximumSuppression.BatchedNms(boxes, scores, groups, threshold);

        Assert.Equal(fixture.ReadLongs("kept"), kept.data<long>().ToArray());
        Assert.Equal(fixture.ReadLongs("batched_kept"), batchedKept.data<long>().ToArray());
    }

    [Fact]
    public void BoxIou_matches_torchvision()
    {
        var fixture = Case("nms");
        using var boxes = fixture.ReadTensor("boxes");
        using var iou = BoxOps.BoxIou(boxes[..5], boxes[5..9]);
        using var expected = fixture.ReadTensor("iou");
        AssertClose(expected, iou, 1e-6);
    }

    [Theory]
    [InlineData("box_coder_rpn")]
    [InlineData("box_coder_roi")]
    public void BoxCoder_encodes_and_decodes_like_torchvision(string name)
    {
        var fixture = Case(name);
        double[] w = fixture.GetProperty("weights").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var coder = new BoxCoder(w[0], w[1], w[2], w[3]);
        using var proposals = fixture.ReadTensor("proposals");

        using var encoded = coder.Encode(fixture.ReadTensor("gt"), proposals);
        using var decoded = coder.Decode(fixture.ReadTensor("deltas"), proposals);

        AssertClose(fixture.ReadTensor("encoded"), encoded, 1e-5);
        AssertClose(fixture.ReadTensor("decoded"), decoded, 1e-3);
    }

    [Fact]
    public void AnchorGenerator_lays_out_anchors_like_torchvision()
    {
        var fixture = Case("anchors");
        double[] sizes = fixture.GetProperty("sizes").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        long[] imageSize = fixture.ReadLongs("image_size");
        var features = fixture.GetProperty("feature_sizes").EnumerateArray()
            .Select(size => zeros(1, 1, size[0].GetInt64(), size[1].GetInt64())).ToArray();
        var generator = new AnchorGenerator(sizes, new[] { 0.5, 1.0, 2.0 });

        using var anchors = generator.Generate(imageSize[0], imageSize[1], features);

        AssertClose(fixture.ReadTensor("expected"), anchors, 1e-6);
    }

    [Fact]
    public void Matcher_keeps_the_best_anchor_of_every_ground_truth_even_below_the_threshold()
    {
        // Two ground truths × four predictions. GT 1's best IoU (0.4) is below 0.7 but must still match.
        using var iou = tensor(new float[] { 0.9f, 0.5f, 0.1f, 0.0f, 0.0f, 0.2f, 0.4f, 0.1f }).view(2, 4);

        using var strict = new Matcher(0.7, 0.3, allowLowQualityMatches: false).Match(iou);
        using var lenient = new Matcher(0.7, 0.3, allowLowQualityMatches: true).Match(iou);

        Assert.Equal(new long[] { 0, Matcher.BetweenThresholds, Matcher.BetweenThresholds, Matcher.BelowLowThreshold }, strict.data<long>().ToArray());
        Assert.Equal(new long[] { 0, Matcher.BetweenThresholds, 1, Matcher.BelowLowThreshold }, lenient.data<long>().ToArray());
    }
}
