using CloudSeg.Training.Export;
using TorchSharp;
using static TorchSharp.torch;
using static CloudSeg.Training.Tests.ExportTestSupport;
using DataType = CloudSeg.Onnx.TensorProto.Types.DataType;

namespace CloudSeg.Training.Tests;

/// <summary>Each op helper, run in ONNX Runtime, computes what the TorchSharp call it stands for computes.</summary>
[Collection(TorchSharpRandomCollection.Name)]
public sealed class ExportOpsTests
{
    [Fact]
    public void Conv_relu_maxpool_match_torchsharp()
    {
        manual_seed(1);
        using var x = randn(1, 3, 17, 13);
        using var weight = randn(8, 3, 3, 3);
        using var bias = randn(8);
        using var expected = nn.functional.max_pool2d(nn.functional.relu(nn.functional.conv2d(x, weight, bias, strides: [2, 2], padding: [1, 1])), 3, 2, 1);

        var g = new OnnxGraphBuilder("ops");
        var input = g.Input("x", DataType.Float, 1, 3, null, null);
        var y = g.MaxPool(g.Relu(g.Conv(input, g.Initializer("w", weight), g.Initializer("b", bias), stride: 2, padding: 1)), 3, 2, 1);
        g.Output(y, "y", DataType.Float, 1, 8, null, null);

        var actual = RunOnnx(g.Build("test"), ("x", x))["y"];
        Assert.True(MaxAbsDifference(expected, actual) < 1e-4f);
    }

    [Theory]
    [InlineData(10, 14, 23, 31)]
    [InlineData(32, 20, 17, 9)]
    public void Bilinear_resize_to_sizes_matches_interpolate(int height, int width, int outHeight, int outWidth)
    {
        manual_seed(2);
        using var x = rand(1, 3, height, width);
        using var expected = nn.functional.interpolate(x, size: [outHeight, outWidth], mode: InterpolationMode.Bilinear, align_corners: false);

        var g = new OnnxGraphBuilder("resize");
        var input = g.Input("x", DataType.Float, 1, 3, null, null);
        g.Output(g.ResizeBilinear(input, g.Vector(1, 3, outHeight, outWidth)), "y", DataType.Float, 1, 3, null, null);

        var actual = RunOnnx(g.Build("test"), ("x", x))["y"];
        Assert.True(MaxAbsDifference(expected, actual) < 1e-5f);
    }

    /// <summary>
    /// Sizes torchvision 0.14's GeneralizedRCNNTransform gives (it scales by side.reciprocal() · min_size in float32 and
    /// floors side · scale in double); a plain min_size / side would give 799, 320 and 95 rows or columns instead.
    /// </summary>
    [Theory]
    [InlineData(240, 320, 800, 1333, 800, 1066)]
    [InlineData(120, 400, 320, 320, 95, 319)]
    [InlineData(50, 50, 96, 128, 95, 95)]
    public void The_transform_resizes_to_torchvisions_size_in_the_graph_and_in_torchsharp(int height, int width, int minSize, int maxSize,
        long expectedHeight, long expectedWidth)
    {
        var eager = new CloudSeg.Training.Detection.GeneralizedRcnnTransform(minSize, maxSize, [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]);
        var g = new OnnxGraphBuilder("transform");
        var transformed = TransformEmitter.Emit(g, new InferenceGraphConfig { MinSize = minSize, MaxSize = maxSize }, g.Input("image", DataType.Float, 3, null, null));
        g.Output(transformed.ResizedSize, "size", DataType.Float, 2);
        using var image = zeros(3, height, width);

        var graph = Values<float>(RunOnnx(g.Build("test"), ("image", image))["size"]);

        Assert.Equal((expectedHeight, expectedWidth), eager.ResizedSize(height, width));
        Assert.Equal([expectedHeight, expectedWidth], graph.Select(v => (long)v));
    }

    [Fact]
    public void Nearest_upsampling_by_two_matches_interpolate()
    {
        manual_seed(3);
        using var x = randn(1, 4, 5, 7);
        using var expected = nn.functional.interpolate(x, size: [10, 14], mode: InterpolationMode.Nearest);

        var g = new OnnxGraphBuilder("nearest");
        var input = g.Input("x", DataType.Float, 1, 4, null, null);
        g.Output(g.ResizeNearest(input, g.Vector(1, 4, 10, 14)), "y", DataType.Float, 1, 4, null, null);

        Assert.Equal(0f, MaxAbsDifference(expected, RunOnnx(g.Build("test"), ("x", x))["y"]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Multi_scale_roi_align_matches_ours_including_boxes_outside_the_map(bool aligned)
    {
        manual_seed(4);
        var features = new[] { randn(1, 3, 32, 24), randn(1, 3, 16, 12), randn(1, 3, 8, 6), randn(1, 3, 4, 3) };
        // Small and large boxes (every pyramid level), one partly and one wholly outside the 128×96 image.
        using var boxes = tensor(new float[] { 1, 2, 9, 12, 10.5f, 3.25f, 60, 70, 0, 0, 96, 128, -20, -10, 30, 40, 100, 140, 130, 190, 40, 40, 41, 41 }, 6, 4);
        var pooler = new CloudSeg.Training.Ops.MultiScaleRoIAlign(7, [4, 8, 16, 32], samplingRatio: 2, aligned: aligned);
        using var expected = pooler.Forward(features, [boxes]);

        var g = new OnnxGraphBuilder("roialign");
        var inputs = features.Select((f, i) => g.Input($"p{i}", DataType.Float, 1, 3, f.shape[2], f.shape[3])).ToList();
        var pooled = RoIAlignEmitter.Emit(g, inputs, 3, g.Input("boxes", DataType.Float, null, 4), 7, aligned);
        g.Output(pooled, "pooled", DataType.Float, null, 3, 7, 7);
        var actual = RunOnnx(g.Build("test"), [.. features.Select((f, i) => ($"p{i}", f)), ("boxes", boxes)])["pooled"];

        Assert.True(MaxAbsDifference(expected, actual) < 1e-5f);
    }

    [Fact]
    public void Multi_scale_roi_align_of_no_boxes_pools_nothing_and_scatters_nothing()
    {
        // An image without detections sends zero boxes through the mask head's pooler.
        manual_seed(4);
        var features = new[] { randn(1, 3, 32, 24), randn(1, 3, 16, 12), randn(1, 3, 8, 6), randn(1, 3, 4, 3) };
        var g = new OnnxGraphBuilder("roialign");
        var inputs = features.Select((f, i) => g.Input($"p{i}", DataType.Float, 1, 3, f.shape[2], f.shape[3])).ToList();
        g.Output(RoIAlignEmitter.Emit(g, inputs, 3, g.Input("boxes", DataType.Float, null, 4), 7, aligned: true), "pooled", DataType.Float, null, 3, 7, 7);
        var model = g.Build("test");

        var actual = RunOnnx(model, [.. features.Select((f, i) => ($"p{i}", f)), ("boxes", zeros(0, 4))])["pooled"];

        Assert.Equal(new long[] { 0, 3, 7, 7 }, actual.shape);
        // Levels are concatenated and gathered back, never scattered into an [N, C, 7, 7] zero tensor (a fill and a
        // full copy per level, once two thirds of the small model's inference time).
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "ScatterND");
    }

    [Fact]
    public void Batched_nms_suppresses_within_a_group_only_and_keeps_score_order()
    {
        using var boxes = tensor(new float[] { 0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30, 0, 0, 10, 9.9f, 50, 50, 60, 60, 1, 1, 11, 11 }, 6, 4);
        using var scores = tensor(new float[] { 0.5f, 0.9f, 0.3f, 0.8f, 0.95f, 0.6f });
        using var groups = tensor(new long[] { 0, 0, 0, 0, 0, 1 });

        var kept = RunBatchedNms(boxes, scores, groups, groupCount: 2);

        // In group 0, box 1 (0.9) suppresses 0 (IoU 0.68) and 3 (IoU 0.67); box 5 overlaps box 1 exactly but is in group 1.
        Assert.Equal(new long[] { 4, 1, 5, 2 }, kept);
    }

    [Fact]
    public void Batched_nms_capped_per_group_keeps_the_same_first_entries()
    {
        manual_seed(5);
        using var corners = rand(200, 2) * 100;
        using var boxes = cat([corners, corners + 5 + rand(200, 2) * 20], 1);
        using var scores = rand(200);
        using var groups = randint(0, 4, 200);

        var all = RunBatchedNms(boxes, scores, groups, groupCount: 4);
        var capped = RunBatchedNms(boxes, scores, groups, groupCount: 4, keepAtMost: 10);

        // Each group stops after 10 survivors, so fewer come back, but the overall top 10 are the uncapped ones.
        Assert.True(all.Length > capped.Length && capped.Length >= 10, $"{all.Length} uncapped, {capped.Length} capped");
        Assert.Equal(all[..10], capped[..10]);
    }

    [Fact]
    public void Batched_nms_of_no_boxes_keeps_nothing()
    {
        using var boxes = zeros(0, 4);
        using var scores = zeros(0);
        using var groups = zeros(0, dtype: ScalarType.Int64);

        Assert.Empty(RunBatchedNms(boxes, scores, groups, groupCount: 3));
    }

    private static long[] RunBatchedNms(Tensor boxes, Tensor scores, Tensor groups, long groupCount, long keepAtMost = long.MaxValue)
    {
        var g = new OnnxGraphBuilder("nms");
        var kept = SelectionEmitter.BatchedNms(g, g.Input("boxes", DataType.Float, null, 4), g.Input("scores", DataType.Float, new long?[] { null }),
            g.Input("groups", DataType.Int64, new long?[] { null }), groupCount, 0.5f, keepAtMost);
        g.Output(kept, "kept", DataType.Int64, new long?[] { null });
        return Values<long>(RunOnnx(g.Build("test"), ("boxes", boxes), ("scores", scores), ("groups", groups))["kept"]);
    }
}
