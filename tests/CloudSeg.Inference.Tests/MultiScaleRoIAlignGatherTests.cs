using CloudSeg.Onnx;
using CloudSeg.Tests;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace CloudSeg.Inference.Tests;

/// <summary>The load-time rewrite of torchvision's MultiScaleRoIAlign scatters, on the committed torch.onnx exports
/// (tests/fixtures/models/make_fixtures.py), checked by running original and rewritten graphs in ONNX Runtime.</summary>
public sealed class MultiScaleRoIAlignGatherTests
{
    [Theory]
    [InlineData("torchvision-tiny", "portrait_180x260", 1f / 255, 0f)]
    [InlineData("torchvision-tiny", "landscape_320x240", 1f / 255, 0f)]
    [InlineData("torchvision-tiny", "tiny_40x30", 1f / 255, 0f)]
    [InlineData("cloudseg-tiny", "portrait_180x260", 1f / 255, 0f)]
    [InlineData("modelzoo-tiny", "landscape_320x240", 1f, -115f)]
    public void The_rewritten_graph_pools_without_scatters_and_gives_the_same_outputs(string fixture, string image, float scale, float offset)
    {
        var original = OnnxModelFile.Read(Path.Combine(RepoPaths.FixtureModel(fixture), "model.onnx"));
        var rewritten = original.Clone();

        var result = MultiScaleRoIAlignGather.Apply(rewritten.Graph);

        Assert.Equal(2, result.Rewritten); // the box head's pooler and the mask head's
        Assert.Empty(result.Skipped);
        Assert.Equal(8, original.Graph.Node.Count(n => n.OpType == "ScatterElements" && FeedsOnPooledRows(original.Graph, n)));
        Assert.DoesNotContain(rewritten.Graph.Node, n => n.OpType == "ScatterElements" && FeedsOnPooledRows(rewritten.Graph, n));
        // What is left of the scatters: one 1-D scatter of row positions per pooler (the inverse permutation).
        Assert.Equal(2, rewritten.Graph.Node.Count(n => n.OpType == "ScatterElements"));
        Assert.DoesNotContain(rewritten.Graph.Node, n => n.OpType == "ConstantOfShape" && n.Output[0].Contains("roi_pool/ConstantOfShape_1"));

        var input = Input(FixtureComparison.LoadImage(image), scale, offset);
        var want = Run(original, input);
        var got = Run(rewritten, input);

        Assert.True(want.Values.All(v => v.Length > 0), "the fixture should detect something on this image, or the comparison proves little");
        foreach (var (name, values) in want)
        {
            Assert.Equal(values.Length, got[name].Length);
            Assert.All(values.Zip(got[name]), p => Assert.InRange(Math.Abs(p.First - p.Second), 0, 1e-5f));
        }
    }

    [Fact]
    public void Boxes_spread_over_all_levels_come_back_in_box_order()
    {
        // With random weights the tiny fixture's proposals are all ~32 or ~64 px, so they land on one or two levels in
        // box order and any row order would pass. Routing box i to level i mod 4 (in original and rewritten graph
        // alike) makes every level hold boxes from all over the list.
        var original = OnnxModelFile.Read(Path.Combine(RepoPaths.FixtureModel("torchvision-tiny"), "model.onnx"));
        foreach (var pooler in new[] { "box_roi_pool", "mask_roi_pool" })
            RouteRoundRobin(original.Graph, $"/roi_heads/{pooler}/Cast_1_output_0");
        var rewritten = original.Clone();

        Assert.Equal(2, MultiScaleRoIAlignGather.Apply(rewritten.Graph).Rewritten);

        var input = Input(FixtureComparison.LoadImage("landscape_320x240"), 1f / 255, 0f);
        var want = Run(original, input);
        var got = Run(rewritten, input);
        Assert.True(want["scores"].Length > 0);
        foreach (var (name, values) in want)
            Assert.All(values.Zip(got[name]), p => Assert.InRange(Math.Abs(p.First - p.Second), 0, 1e-5f));
    }

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("model.int8.onnx")]
    public void A_graph_without_the_pattern_is_left_byte_for_byte(string file)
    {
        // The bundled default model is our own export: it pools each level with RoiAlign too, but gathers the rows back.
        var model = OnnxModelFile.Read(Path.Combine(RepoPaths.Root, "models", "default", file));
        Assert.Contains(model.Graph.Node, n => n.OpType == "RoiAlign");
        var before = model.ToByteArray();

        var result = MultiScaleRoIAlignGather.Apply(model.Graph);

        Assert.Equal(0, result.Rewritten);
        Assert.Empty(result.Skipped);
        Assert.Equal(before, model.ToByteArray());
    }

    [Fact]
    public void A_pooler_that_only_partly_matches_keeps_its_scatters_with_a_reason_and_the_graph_still_agrees()
    {
        var original = OnnxModelFile.Read(Path.Combine(RepoPaths.FixtureModel("torchvision-tiny"), "model.onnx"));
        var edited = original.Clone();
        // An Identity between one level's index Expand and its scatter: same values, no longer the exported pattern.
        var scatter = edited.Graph.Node.Single(n => n.OpType == "ScatterElements" && n.Output[0] == "/roi_heads/box_roi_pool/ScatterElements_2_output_0");
        var identity = new NodeProto { OpType = "Identity", Name = "test/identity", Input = { scatter.Input[1] }, Output = { "test/indices" } };
        edited.Graph.Node.Insert(edited.Graph.Node.IndexOf(scatter), identity);
        scatter.Input[1] = "test/indices";
        var unchangedBox = edited.Graph.Node.Where(n => n.Output[0].StartsWith("/roi_heads/box_roi_pool/", StringComparison.Ordinal))
            .Select(n => n.ToByteString()).ToList();

        var result = MultiScaleRoIAlignGather.Apply(edited.Graph);

        Assert.Equal(1, result.Rewritten); // the mask head's pooler
        var reason = Assert.Single(result.Skipped);
        Assert.Contains("/roi_heads/box_roi_pool/ScatterElements_3_output_0", reason);
        Assert.Contains("not one box index per row", reason);
        Assert.Equal(unchangedBox, edited.Graph.Node.Where(n => n.Output[0].StartsWith("/roi_heads/box_roi_pool/", StringComparison.Ordinal))
            .Select(n => n.ToByteString()).ToList());

        var input = Input(FixtureComparison.LoadImage("portrait_180x260"), 1f / 255, 0f);
        var want = Run(original, input);
        var got = Run(edited, input);
        Assert.All(want, output => Assert.Equal(output.Value, got[output.Key]));
    }

    [Fact]
    public void The_segmenter_logs_why_it_kept_a_pooler_s_scatters()
    {
        var model = OnnxModelFile.Read(Path.Combine(RepoPaths.FixtureModel("torchvision-tiny"), "model.onnx"));
        // The box pooler's levels pool to different sizes: the scatter then writes 6x6 rows into a 7x7 tensor.
        model.Graph.Node.Single(n => n.Output[0] == "/roi_heads/box_roi_pool/RoiAlign_3_output_0")
            .Attribute.Single(a => a.Name == "output_height").I = 6;
        using var folder = new TempFolder();
        OnnxModelFile.Write(model, Path.Combine(folder.Path, "model.onnx"));
        File.Copy(Path.Combine(RepoPaths.FixtureModel("torchvision-tiny"), "model.card.json"), Path.Combine(folder.Path, "model.card.json"));
        var log = new RecordingLogger();

        using var segmenter = MaskRcnnSegmenter.Load(folder.Path, new SegmenterOptions { IntraOpThreads = 1 }, log);

        Assert.Contains(log.Messages, m => m.Contains("Kept a RoI pooler's per-level scatter", StringComparison.Ordinal)
            && m.Contains("/roi_heads/box_roi_pool/ScatterElements_3_output_0: its levels pool to different sizes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_segmenter_rewrites_at_load_and_segments_as_without_the_rewrite()
    {
        var model = RepoPaths.FixtureModel("torchvision-tiny");
        using var rewritten = MaskRcnnSegmenter.Load(model, new SegmenterOptions { IntraOpThreads = 1 });
        using var asExported = MaskRcnnSegmenter.Load(model, new SegmenterOptions { GatherPooledLevels = false, IntraOpThreads = 1 });
        var image = FixtureComparison.LoadImage("landscape_320x240");
        var all = new SegmentRequestOptions { ScoreThreshold = 0f };

        var want = await asExported.SegmentAsync(image, all);
        var got = await rewritten.SegmentAsync(image, all);

        Assert.NotEmpty(want.Instances);
        Assert.Equal(want.Instances.Count, got.Instances.Count);
        foreach (var (w, g) in want.Instances.Zip(got.Instances))
        {
            Assert.Equal(w.CategoryId, g.CategoryId);
            Assert.Equal(w.Score, g.Score, 1e-5f);
            Assert.Equal(w.Box.X1, g.Box.X1, 1e-3f);
            Assert.Equal(w.Box.Y1, g.Box.Y1, 1e-3f);
            Assert.Equal(w.Box.X2, g.Box.X2, 1e-3f);
            Assert.Equal(w.Box.Y2, g.Box.Y2, 1e-3f);
            Assert.Equal(w.Mask, g.Mask);
        }
    }

    /// <summary>Replaces the pooler's level of each box (an int64 [N]) by box index mod 4.</summary>
    private static void RouteRoundRobin(GraphProto graph, string levels)
    {
        var producer = graph.Node.Single(n => n.Output.Contains(levels));
        producer.Output[0] = levels + "/by_size";
        var nodes = new[]
        {
            Int64Constant(levels + "/zero", 0), Int64Constant(levels + "/one", 1), Int64Constant(levels + "/four", 4),
            new NodeProto { OpType = "Shape", Input = { levels + "/by_size" }, Output = { levels + "/count_1d" } },
            new NodeProto
            {
                OpType = "Squeeze", Input = { levels + "/count_1d" }, Output = { levels + "/count" },
                Attribute = { new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 0 } } },
            },
            new NodeProto { OpType = "Range", Input = { levels + "/zero", levels + "/count", levels + "/one" }, Output = { levels + "/index" } },
            new NodeProto { OpType = "Mod", Input = { levels + "/index", levels + "/four" }, Output = { levels } },
        };
        var at = graph.Node.IndexOf(producer) + 1;
        for (var i = 0; i < nodes.Length; i++) graph.Node.Insert(at + i, nodes[i]);
    }

    private static NodeProto Int64Constant(string name, long value) => new()
    {
        OpType = "Constant",
        Output = { name },
        Attribute =
        {
            new AttributeProto
            {
                Name = "value", Type = AttributeProto.Types.AttributeType.Tensor,
                T = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64, Int64Data = { value } },
            },
        },
    };

    /// <summary>True when the scatter writes RoiAlign rows (directly or through a Cast): the pattern the rewrite removes.</summary>
    private static bool FeedsOnPooledRows(GraphProto graph, NodeProto scatter)
    {
        var producers = graph.ProducersByOutput();
        var node = producers.GetValueOrDefault(scatter.Input[2]);
        if (node is { OpType: "Cast" }) node = producers.GetValueOrDefault(node.Input[0]);
        return node is { OpType: "RoiAlign" };
    }

    /// <summary>The picture as a [3,H,W] float tensor, RGB planes, value × scale + offset.</summary>
    private static DenseInput Input(CloudSeg.Core.Imaging.RgbImage image, float scale, float offset)
    {
        var plane = image.Width * image.Height;
        var values = new float[3 * plane];
        for (var i = 0; i < plane; i++)
            for (var c = 0; c < 3; c++)
                values[c * plane + i] = image.Pixels[i * 3 + c] * scale + offset;
        return new DenseInput(values, [3, image.Height, image.Width]);
    }

    private sealed record DenseInput(float[] Values, long[] Shape);

    /// <summary>Every graph output, as floats (labels are int64 and compared as such through the cast).</summary>
    private static Dictionary<string, float[]> Run(ModelProto model, DenseInput input)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model.ToByteArray(), options);
        using var tensor = OrtValue.CreateTensorValueFromMemory(input.Values, input.Shape);
        var names = session.OutputNames.ToArray();
        using var run = new RunOptions();
        using var outputs = session.Run(run, [session.InputNames[0]], [tensor], names);
        return names.Zip(outputs).ToDictionary(p => p.First, p => p.Second.GetTensorTypeAndShape().ElementDataType switch
        {
            Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64 => p.Second.GetTensorDataAsSpan<long>().ToArray().Select(v => (float)v).ToArray(),
            _ => p.Second.GetTensorDataAsSpan<float>().ToArray(),
        });
    }
}
