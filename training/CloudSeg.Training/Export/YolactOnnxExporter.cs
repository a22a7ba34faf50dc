using CloudSeg.Inference;
using CloudSeg.Onnx;
using CloudSeg.Training.Yolact;
using static TorchSharp.torch;
using DataType = CloudSeg.Onnx.TensorProto.Types.DataType;

namespace CloudSeg.Training.Export;

/// <summary>
/// Writes a YOLACT's network as one ONNX graph (<see cref="YolactGraph"/>): input <c>image</c> float [3, H, W] RGB in [0, 1] at any size (the graph
/// normalises it and resizes it to S×S, as <see cref="YolactModel"/> does); outputs per prior <c>boxes</c> [P, 4]
/// decoded and clipped, in S×S input pixels, <c>scores</c> [P, C] softmax class probabilities without the background,
/// <c>coefficients</c> [P, k], and <c>prototypes</c> [k, S/4, S/4]. Fast NMS and mask assembly run in C# after the graph
/// (YolactSegmenter): both are a few matrix products over the kept candidates, and keeping them out of the graph keeps
/// it free of data-dependent shapes.
/// </summary>
public static class YolactOnnxExporter
{
    /// <summary>Exports the model's inference (it is switched to eval mode: batch norm from its running statistics).</summary>
    public static ModelProto Export(YolactModel model, string producerVersion, IReadOnlyDictionary<string, string>? metadata = null)
    {
        model.eval();
        var options = model.Options;
        var stateDict = model.state_dict();
        var g = new OnnxGraphBuilder("cloudseg_yolact");
        var w = new StateDictWeights(stateDict, g, batchNormEpsilon: 1e-5f);
        var image = g.Input(YolactGraph.ImageInput, DataType.Float, 3, null, null);

        var size = options.ImageSize;
        var normalised = g.Div(g.Sub(image, g.Constant(options.ImageMean.Select(v => (float)v).ToArray(), 3, 1, 1)),
            g.Constant(options.ImageStd.Select(v => (float)v).ToArray(), 3, 1, 1));
        var batch = g.ResizeBilinear(g.Unsqueeze(normalised, 0), g.Vector(1, 3, size, size));

        var pyramid = BackboneEmitter.Emit(g, w, batch, Backbone.ResNetLayout.Of(options.Backbone).PadsLessAtEnd, firstLevel: 3);
        var levels = pyramid.Take(3).ToList();   // P3–P5; YOLACT makes its own P6, P7 instead of the pooled level
        for (var i = 0; i < 2; i++)
            levels.Add(Conv(g, w, $"downsample_layers.{i}", levels[^1], stride: 2));

        var (boxes, classes, coefficients) = PredictionHead(g, w, levels, options.NumClasses, options.PrototypeCount);
        using var priors = PriorGenerator.Generate(LevelSizes(model), options.ImageSize, options.PriorScales, options.AspectRatios);
        var decoded = BoxDecodingEmitter.Decode(g, g.Unsqueeze(boxes, 1), g.Initializer("priors", priors), [10, 10, 5, 5]);
        var clipped = BoxDecodingEmitter.ClipToImage(g, g.Reshape(decoded, -1, 4), g.Constant(new float[] { size, size }, 2));
        var scores = g.Slice(g.Softmax(classes, 1), 1, options.NumClasses, 1);

        g.Output(clipped, YolactGraph.BoxesOutput, DataType.Float, null, 4);
        g.Output(scores, YolactGraph.ScoresOutput, DataType.Float, null, options.NumClasses - 1);
        g.Output(coefficients, YolactGraph.CoefficientsOutput, DataType.Float, null, options.PrototypeCount);
        g.Output(g.Squeeze(Protonet(g, w, levels[0]), 0), YolactGraph.PrototypesOutput, DataType.Float, options.PrototypeCount, null, null);
        return g.Build(producerVersion, metadata);
    }

    /// <summary>P3–P7 sizes at the S×S input, from one forward pass (so they follow the backbone's rounding exactly).</summary>
    static (long, long)[] LevelSizes(YolactModel model)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return model.Forward(zeros(1, 3, model.Options.ImageSize, model.Options.ImageSize)).Levels;
    }

    static string Conv(OnnxGraphBuilder g, StateDictWeights w, string prefix, string x, long stride = 1) =>
        g.Conv(x, w.Initializer($"{prefix}.weight"), w.Initializer($"{prefix}.bias"), stride, padding: w[$"{prefix}.weight"].shape[^1] / 2);

    static (string Boxes, string Classes, string Coefficients) PredictionHead(OnnxGraphBuilder g, StateDictWeights w, List<string> levels,
        long numClasses, long prototypes)
    {
        const string head = "prediction_layers";
        // (1, a·n, H, W) → (H·W·a, n), the prior generator's order.
        string PerPrior(string map, long n) => g.Reshape(g.Transpose(map, 0, 2, 3, 1), -1, n);
        var (boxes, classes, coefficients) = (new List<string>(), new List<string>(), new List<string>());
        foreach (var level in levels)
        {
            var x = g.Relu(Conv(g, w, $"{head}.upfeature.0", level));
            boxes.Add(PerPrior(Conv(g, w, $"{head}.bbox_layer", x), 4));
            classes.Add(PerPrior(Conv(g, w, $"{head}.conf_layer", x), numClasses));
            coefficients.Add(g.Node("Tanh", [PerPrior(Conv(g, w, $"{head}.mask_layer", x), prototypes)]));
        }
        return (g.Concat(0, boxes.ToArray()), g.Concat(0, classes.ToArray()), g.Concat(0, coefficients.ToArray()));
    }

    static string Protonet(OnnxGraphBuilder g, StateDictWeights w, string p3)
    {
        var x = p3;
        foreach (var index in new[] { 0, 2, 4 }) x = g.Relu(Conv(g, w, $"proto_net.before_upsample.{index}", x));
        var shape = g.Shape(x);
        var doubled = g.Concat(0, g.Slice(shape, 0, 2, 0), g.Mul(g.Slice(shape, 2, 4, 0), g.Vector(2, 2)));
        x = g.Relu(Conv(g, w, "proto_net.after_upsample.0", g.ResizeBilinear(x, doubled)));
        return g.Relu(Conv(g, w, "proto_net.prototype_layer", x));
    }
}
