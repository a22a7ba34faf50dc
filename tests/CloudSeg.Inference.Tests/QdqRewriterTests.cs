using CloudSeg.Core.Imaging;
using CloudSeg.Core.Masks;
using CloudSeg.Onnx;
using CloudSeg.Onnx.Quantization;
using CloudSeg.Tests;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CloudSeg.Inference.Tests;

/// <summary>The QDQ rewrite on a hand-made graph: x[1,2,4,4] → Conv(3 channels, 1×1, bias) → Relu → Flatten → Gemm(transB,
/// 4 outputs, bias) → y. Checks the stored integers and scales against hand-computed ones and runs both graphs.</summary>
public sealed class QdqRewriterTests
{
    // Channel c of the convolution has weights of magnitude up to 0.5, 2 and 0.01: very different per-channel scales.
    private static readonly float[] ConvWeights = [0.5f, -0.25f, 2f, 1f, 0.01f, -0.004f];
    private static readonly float[] ConvBias = [0.1f, -0.2f, 0.3f];

    private static float[] GemmWeights() => Enumerable.Range(0, 4 * 48).Select(i => MathF.Sin(i * 0.37f) * (1 + i / 48)).ToArray();

    private static ModelProto HandMadeModel()
    {
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(GraphEditing.TensorValueInfo("x", TensorProto.Types.DataType.Float, 1, 2, 4, 4));
        graph.Output.Add(GraphEditing.TensorValueInfo("y", TensorProto.Types.DataType.Float, 1, 4));
        graph.Initializer.Add(InitializerData.Floats("conv.weight", ConvWeights, 3, 2, 1, 1));
        graph.Initializer.Add(InitializerData.Floats("conv.bias", ConvBias, 3));
        graph.Initializer.Add(InitializerData.Floats("fc.weight", GemmWeights(), 4, 48));
        graph.Initializer.Add(InitializerData.Floats("fc.bias", [0.5f, -0.5f, 0f, 1f], 4));
        graph.Node.Add(new NodeProto { OpType = "Conv", Name = "conv", Input = { "x", "conv.weight", "conv.bias" }, Output = { "c" } });
        graph.Node.Add(new NodeProto { OpType = "Relu", Name = "relu", Input = { "c" }, Output = { "r" } });
        graph.Node.Add(new NodeProto { OpType = "Flatten", Name = "flatten", Input = { "r" }, Output = { "f" } });
        var gemm = new NodeProto { OpType = "Gemm", Name = "fc", Input = { "f", "fc.weight", "fc.bias" }, Output = { "y" } };
        gemm.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
        graph.Node.Add(gemm);
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    private static float[] Input() => Enumerable.Range(0, 32).Select(i => (i % 7 - 2) * 0.4f).ToArray();

    private static readonly Dictionary<string, ActivationRange> Ranges = new()
    {
        ["x"] = new(-0.8f, 1.6f), ["r"] = new(0f, 4f), ["f"] = new(0f, 4f), ["y"] = new(-20f, 20f),
    };

    [Fact]
    public void The_plan_quantizes_conv_and_gemm_per_output_channel_and_folds_the_relu()
    {
        var model = HandMadeModel();
        var plan = QdqPlan.For(model);

        Assert.False(plan.WeightsInMicrosoftDomain); // opset 17: ONNX's own per-axis DequantizeLinear
        Assert.Equal(["conv", "fc"], plan.Nodes.Select(n => n.Name));
        Assert.Equal(0, plan.Nodes[0].WeightAxis);
        Assert.Equal("relu", plan.Nodes[0].FusedActivation);
        Assert.Equal(0, plan.Nodes[1].WeightAxis); // transB = 1: weight is [N, K], channels on axis 0
        Assert.Equal(["x", "r", "f", "y"], plan.Activations);
    }

    [Theory]
    [InlineData(ActivationType.UInt8)]
    [InlineData(ActivationType.Int8)]
    public void Weights_get_one_symmetric_scale_per_channel_and_biases_int32_at_input_times_weight_scale(ActivationType type)
    {
        var model = HandMadeModel();
        QdqRewriter.Apply(model, QdqPlan.For(model), Ranges, type);
        var init = model.Graph.Initializer.ToDictionary(t => t.Name);

        var scales = InitializerData.ReadFloats(init["conv.weight_conv_scale"]);
        Assert.Equal([0.5f / 127, 2f / 127, 0.01f / 127], scales);
        var weights = init["conv.weight_conv" + QdqRewriter.QuantizedSuffix];
        Assert.Equal((int)TensorProto.Types.DataType.Int8, weights.DataType);
        Assert.Equal([127, -64, 127, 64, 127, -51], weights.RawData.Select(b => (int)(sbyte)b));
        Assert.All(init["conv.weight_conv_zero_point"].RawData, b => Assert.Equal(0, b));

        var (inputScale, _) = Ranges["x"].UInt8Parameters();
        Assert.Equal(2.4f / 255, inputScale, 1e-7f);
        var bias = init["conv.bias_conv" + QdqRewriter.QuantizedSuffix];
        Assert.Equal((int)TensorProto.Types.DataType.Int32, bias.DataType);
        var expectedBias = ConvBias.Select((b, c) => (int)Math.Round(b / (inputScale * scales[c]), MidpointRounding.ToEven));
        Assert.Equal(expectedBias, Enumerable.Range(0, 3).Select(i => BitConverter.ToInt32(bias.RawData.Span[(4 * i)..])));

        var zeroPoint = init["x_zero_point"];
        Assert.Equal(type == ActivationType.UInt8 ? (int)TensorProto.Types.DataType.Uint8 : (int)TensorProto.Types.DataType.Int8, zeroPoint.DataType);
        // x spans [-0.8, 1.6]: 0 sits a third of the way up, at 85 of 255 (unsigned) or -43 (signed).
        Assert.Equal(type == ActivationType.UInt8 ? 85 : -43, type == ActivationType.UInt8 ? zeroPoint.RawData[0] : (sbyte)zeroPoint.RawData[0]);

        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "Relu");
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name == "conv.weight"); // the float weights are gone
        // Four weight/bias DequantizeLinear; pairs for x, r and f. y's pair reads nothing (y stays the float graph output) and is pruned.
        Assert.Equal(4 + 3, model.Graph.Node.Count(n => n.OpType == "DequantizeLinear"));
        Assert.Equal(3, model.Graph.Node.Count(n => n.OpType == "QuantizeLinear"));
    }

    [Theory]
    [InlineData(ActivationType.UInt8)]
    [InlineData(ActivationType.Int8)]
    public void The_quantized_graph_loads_in_onnx_runtime_and_stays_within_two_percent_of_float(ActivationType type)
    {
        var model = HandMadeModel();
        var expected = Run(model);
        QdqRewriter.Apply(model, QdqPlan.For(model), Ranges, type);
        var actual = Run(model);

        // Stated tolerance: 2 % of the output's range (a few int8 steps of y's [-20, 20] grid, 0.157 each).
        var range = expected.Max() - expected.Min();
        Assert.All(expected.Zip(actual), p => Assert.InRange(Math.Abs(p.First - p.Second), 0, 0.02f * range));
        Assert.NotEqual(expected, actual); // it really computed in int8
    }

    private static float[] Run(ModelProto model) => Run(model, Input(), [1, 2, 4, 4]);

    private static float[] Run(ModelProto model, float[] x, long[] shape)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        using var session = new InferenceSession(model.ToByteArray(), options);
        using var input = OrtValue.CreateTensorValueFromMemory(x, shape);
        using var outputs = session.Run(new RunOptions(), ["x"], [input], ["y"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    // The mask head's upsampling as the exporters write it: x[1,3,5,4] → ConvTranspose(3 → 2 channels, k×k, stride 2,
    // bias) [→ Relu] → 1×1 Conv(2 → 1, bias) → y. Distinct weights everywhere, so a swapped axis changes the output.
    private static ModelProto MaskHeadUpsampling(bool relu, long kernel = 2)
    {
        var graph = new GraphProto { Name = "upsampling" };
        graph.Input.Add(GraphEditing.TensorValueInfo("x", TensorProto.Types.DataType.Float, 1, 3, 5, 4));
        graph.Output.Add(GraphEditing.TensorValueInfo("y", TensorProto.Types.DataType.Float, 1, 1, null, null));
        var upWeights = Enumerable.Range(0, (int)(3 * 2 * kernel * kernel)).Select(i => MathF.Cos(i * 0.9f) * (1 + i % 5)).ToArray();
        graph.Initializer.Add(InitializerData.Floats("up.weight", upWeights, 3, 2, kernel, kernel));
        graph.Initializer.Add(InitializerData.Floats("up.bias", [0.25f, -0.5f], 2));
        graph.Initializer.Add(InitializerData.Floats("logits.weight", [1.5f, -0.75f], 1, 2, 1, 1));
        graph.Initializer.Add(InitializerData.Floats("logits.bias", [0.1f], 1));
        var up = new NodeProto { OpType = "ConvTranspose", Name = "up", Input = { "x", "up.weight", "up.bias" }, Output = { "u" } };
        up.Attribute.Add(new AttributeProto { Name = "strides", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 2, 2 } });
        graph.Node.Add(up);
        if (relu) graph.Node.Add(new NodeProto { OpType = "Relu", Name = "relu", Input = { "u" }, Output = { "r" } });
        graph.Node.Add(new NodeProto { OpType = "Conv", Name = "logits", Input = { relu ? "r" : "u", "logits.weight", "logits.bias" }, Output = { "y" } });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    private static float[] UpsamplingInput() => Enumerable.Range(0, 60).Select(i => MathF.Sin(i * 1.3f) * 2).ToArray();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_stride_2_conv_transpose_becomes_quantizable_1x1_convs_and_a_depth_to_space_with_the_same_outputs(bool relu)
    {
        var model = MaskHeadUpsampling(relu);
        var expected = Run(model, UpsamplingInput(), [1, 3, 5, 4]);
        var plan = QdqPlan.For(model);

        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "ConvTranspose");
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name == "up.weight");
        // The 1×1 logits conv moves before the shuffle as a grouped conv (one group per 2×2 offset).
        Assert.Equal(relu ? ["Conv", "Relu", "Conv", "DepthToSpace"] : ["Conv", "Conv", "DepthToSpace"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(4, model.Graph.Node.Single(n => n.Name == "logits").Attribute.Single(a => a.Name == "group").I);
        Assert.Equal(["up", "logits"], plan.Nodes.Select(n => n.Name));
        Assert.Equal(relu ? "relu" : null, plan.Nodes[0].FusedActivation);   // the Relu folds into the 1×1 conv's int8 range
        var actual = Run(model, UpsamplingInput(), [1, 3, 5, 4]);
        Assert.Equal(2 * 5 * 2 * 4, actual.Length);
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, p.Second, 1e-5f));

        // Quantized, it stays within the stated 2 % of the output's range.
        var ranges = new Dictionary<string, ActivationRange>();
        foreach (var tensor in plan.Activations)
        {
            var values = Run(Exposing(model, tensor), UpsamplingInput(), [1, 3, 5, 4]);
            ranges[tensor] = new ActivationRange(Math.Min(0, values.Min()), Math.Max(0, values.Max()));
        }
        QdqRewriter.Apply(model, plan, ranges, ActivationType.UInt8);
        var quantized = Run(model, UpsamplingInput(), [1, 3, 5, 4]);
        var range = expected.Max() - expected.Min();
        Assert.All(expected.Zip(quantized), p => Assert.InRange(Math.Abs(p.First - p.Second), 0, 0.02f * range));
        Assert.NotEqual(expected, quantized);
    }

    [Fact]
    public void A_conv_transpose_with_overlapping_taps_stays_as_it_is()
    {
        var model = MaskHeadUpsampling(relu: true, kernel: 3);
        var plan = QdqPlan.For(model);
        Assert.Contains(model.Graph.Node, n => n.OpType == "ConvTranspose");
        Assert.Equal(["logits"], plan.Nodes.Select(n => n.Name));
    }

    /// <summary>The rewritten float graphs of the committed fixtures (ours, torchvision's, the Model Zoo's: each has one
    /// 2×2 stride-2 ConvTranspose in its mask head) segment the fixture pictures as the originals do.</summary>
    [Theory]
    [InlineData("cloudseg-tiny")]
    [InlineData("torchvision-tiny")]
    [InlineData("modelzoo-tiny")]
    public Task The_rewritten_fixture_graphs_give_the_same_instances_and_masks(string fixture) =>
        AssertRewriteKeepsInstances(RepoPaths.FixtureModel(fixture));

    /// <summary>The same on the bundled default model, whose trained weights give real masks (its float graph as shipped).</summary>
    [Fact]
    public Task The_rewritten_bundled_model_gives_the_same_instances_and_masks() => AssertRewriteKeepsInstances(Path.Combine(RepoPaths.Root, "models", "default"));

    private static async Task AssertRewriteKeepsInstances(string source)
    {
        using var folder = new TempFolder();
        foreach (var file in new[] { ModelPackage.OnnxFileName, ModelPackage.CardFileName })
            File.Copy(Path.Combine(source, file), Path.Combine(folder.Path, file));
        var model = OnnxModelFile.Read(Path.Combine(source, ModelPackage.OnnxFileName));
        Assert.Equal(1, ConvTransposeAsConv.Apply(model.Graph));
        OnnxModelFile.Write(model, Path.Combine(folder.Path, ModelPackage.OnnxFileName));

        var options = new SegmenterOptions { Precision = ModelPrecision.Float32 };
        using var original = MaskRcnnSegmenter.Load(source, options);
        using var rewritten = MaskRcnnSegmenter.Load(folder.Path, options);
        var request = new SegmentRequestOptions { ScoreThreshold = 0.05f };
        var compared = 0;
        foreach (var path in Directory.GetFiles(Path.Combine(RepoPaths.ModelFixtures, "images")).Order())
        {
            var image = ImageDecoder.DecodeFile(path);
            var expected = (await original.SegmentAsync(image, request)).Instances;
            var actual = (await rewritten.SegmentAsync(image, request)).Instances;
            Assert.Equal(expected.Count, actual.Count);
            foreach (var (e, a) in expected.Zip(actual))
            {
                Assert.Equal(e.CategoryId, a.CategoryId);
                Assert.Equal(e.Score, a.Score, 1e-4f);
                Assert.Equal(e.Box.X1, a.Box.X1, 1e-3f);
                Assert.Equal(e.Box.Y2, a.Box.Y2, 1e-3f);
                if (e.Mask.Area + a.Mask.Area > 0) Assert.InRange(RleMask.IoU(e.Mask, a.Mask), 0.99, 1);   // random weights: some masks are empty
            }
            compared += expected.Count;
        }
        Assert.True(compared > 0, "the fixture pictures gave no instances to compare");
    }

    /// <summary>A copy of the graph with <paramref name="tensor"/> as its output "y" (to read an activation's range).</summary>
    private static ModelProto Exposing(ModelProto model, string tensor)
    {
        var copy = model.Clone();
        if (tensor == "y") return copy;
        copy.Graph.Output.Clear();
        copy.Graph.Output.Add(GraphEditing.TensorValueInfo("y", TensorProto.Types.DataType.Float));
        copy.Graph.Node.Add(new NodeProto { OpType = "Identity", Name = "expose", Input = { tensor }, Output = { "y" } });
        copy.Graph.Node.Remove(copy.Graph.Node.First(n => n.Output.Contains("y") && n.Name != "expose"));
        copy.Graph.PruneUnusedNodes();
        return copy;
    }
}
