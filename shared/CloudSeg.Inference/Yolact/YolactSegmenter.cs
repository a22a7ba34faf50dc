using System.Diagnostics;
using CloudSeg.Core.Geometry;
using CloudSeg.Core.Imaging;
using CloudSeg.ModelCards;
using CloudSeg.Onnx;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CloudSeg.Inference;

/// <summary>
/// Serves CloudSeg's YOLACT exports (<see cref="YolactGraph"/>): the graph resizes the picture to S×S and gives every
/// prior's box, class probabilities and coefficients plus the prototypes; Fast NMS (<see cref="YolactFastNms"/>) and
/// the mask assembly (<see cref="PrototypeMaskAssembly"/>) run here, as they do in the TorchSharp model.
/// </summary>
public sealed class YolactSegmenter : ISegmenter
{
    /// <summary>YOLACT's inference settings (the paper's, and YolactOptions' defaults).</summary>
    public const float NmsIouThreshold = 0.5f;
    public const int NmsTopK = 200, MaxDetections = 100;

    static readonly InputRecipe PlainRgb = new(Bgr: false, ValueScale: 1f / 255, Mean: [0f, 0f, 0f], ShortSide: null, LongSideCap: 0, SizeDivisibility: 0);

    readonly InferenceSession _session;
    readonly SegmenterOptions _options;
    readonly int _inputSide;

    YolactSegmenter(InferenceSession session, string provider, ModelCard card, int inputSide, SegmenterOptions options)
    {
        (_session, ExecutionProvider, Card, _inputSide, _options) = (session, provider, card, inputSide, options);
    }

    public ModelCard Card { get; }
    public ModelArchitecture Architecture => ModelArchitecture.Yolact;
    public ModelFormat Format => ModelFormat.CloudSeg;
    public ModelPrecision Precision => ModelPrecision.Float32;
    public string ExecutionProvider { get; }

    internal static YolactSegmenter Load(ModelPackage package, ModelCard card, ModelProto model, SegmenterOptions options, ILogger? logger)
    {
        logger ??= NullLogger.Instance;
        var outputs = model.Graph.Output.Select(o => o.Name).ToHashSet();
        string[] expected = [YolactGraph.BoxesOutput, YolactGraph.ScoresOutput, YolactGraph.CoefficientsOutput, YolactGraph.PrototypesOutput];
        if (expected.FirstOrDefault(name => !outputs.Contains(name)) is { } missing)
            throw new InvalidDataException($"{package.OnnxPath}: a YOLACT graph needs the output '{missing}' (it has {string.Join(", ", outputs)}).");
        var side = card.Input?.MinSize ?? throw new InvalidDataException($"{package.OnnxPath}: a YOLACT card must give its input size (input.min_size).");
        if (options.ClassNames is { Count: > 0 } names) card = card with { Classes = names };
        var (session, provider) = SessionFactory.Create(package.OnnxPath, options, logger);
        logger.LogInformation("Loaded model {Name} {Version} ({Architecture}) from {Path} on {Provider}; {Side}px input; {Classes} classes",
            card.Name, card.Version, "yolact", package.OnnxPath, provider, side, card.Classes.Count - 1);
        return new YolactSegmenter(session, provider, card, side, options);
    }

    /// <summary>The graph looks at S×S whatever the picture's size; decoding larger than S per side buys nothing.</summary>
    public (int Width, int Height) WorkingSize(int width, int height) => (Math.Min(width, _inputSide), Math.Min(height, _inputSide));

    public Task<Segmentation> SegmentAsync(RgbImage image, SegmentRequestOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Task.Run(() => Segment(image, options, ct), ct);
    }

    Segmentation Segment(RgbImage image, SegmentRequestOptions? request, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var input = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [3, image.Height, image.Width]);
        var geometry = new InputGeometry(image.Width, image.Height, image.Width, image.Height, image.Width, image.Height);
        InputTensorWriter.Write(image, geometry, PlainRgb, input.GetTensorMutableDataAsSpan<float>());
        var preprocess = clock.Elapsed;
        ct.ThrowIfCancellationRequested();

        clock.Restart();
        using var outputs = CancellableRun.Run(_session, YolactGraph.ImageInput, input,
            [YolactGraph.BoxesOutput, YolactGraph.ScoresOutput, YolactGraph.CoefficientsOutput, YolactGraph.PrototypesOutput], ct);
        var model = clock.Elapsed;

        clock.Restart();
        var (width, height) = request?.SourceSize ?? (image.Width, image.Height);
        var scoreThreshold = request?.ScoreThreshold ?? _options.ScoreThreshold ?? Card.ScoreThreshold ?? 0.5f;
        var maskThreshold = request?.MaskThreshold ?? _options.MaskThreshold ?? Card.MaskThreshold ?? 0.5f;
        var instances = Decode(outputs, width, height, scoreThreshold, maskThreshold, ct);
        return new Segmentation(width, height, instances, new StageTimings { Preprocess = preprocess, Model = model, Postprocess = clock.Elapsed });
    }

    List<SegmentedInstance> Decode(IReadOnlyList<OrtValue> outputs, int width, int height, float scoreThreshold, float maskThreshold,
        CancellationToken ct)
    {
        var boxes = outputs[0].GetTensorDataAsSpan<float>();
        var scores = outputs[1].GetTensorDataAsSpan<float>();
        var coefficients = outputs[2].GetTensorDataAsSpan<float>();
        var prototypes = outputs[3].GetTensorDataAsSpan<float>();
        var scoreShape = outputs[1].GetTensorTypeAndShape().Shape;
        var protoShape = outputs[3].GetTensorTypeAndShape().Shape;
        int priors = (int)scoreShape[0], classes = (int)scoreShape[1], k = (int)protoShape[0], protoHeight = (int)protoShape[1], protoWidth = (int)protoShape[2];
        if (classes != Card.Classes.Count - 1)
            throw new InvalidDataException($"The graph scores {classes} classes but the card lists {Card.Classes.Count - 1} (plus background).");

        var kept = YolactFastNms.Apply(boxes, scores, priors, classes, scoreThreshold, NmsIouThreshold, NmsTopK, MaxDetections);
        // Input pixels (S×S) → picture pixels; picture pixels → prototype cells.
        float toImageX = (float)width / _inputSide, toImageY = (float)height / _inputSide;
        var toPrototype = ((double)protoWidth / width, 0.0, (double)protoHeight / height, 0.0);
        var instances = new List<SegmentedInstance>(kept.Count);
        foreach (var (prior, cls, score) in kept)
        {
            ct.ThrowIfCancellationRequested();
            var box = new BoxF(boxes[4 * prior] * toImageX, boxes[4 * prior + 1] * toImageY, boxes[4 * prior + 2] * toImageX, boxes[4 * prior + 3] * toImageY);
            var mask = PrototypeMaskAssembly.Assemble(prototypes, protoHeight, protoWidth, coefficients.Slice(prior * k, k), box, toPrototype,
                width, height, maskThreshold);
            var label = cls + 1;
            instances.Add(new SegmentedInstance(label, Card.ClassName(label), score, null, box, mask));
        }
        return instances;
    }

    public string EndProfiling() => _session.EndProfiling();

    public void Dispose() => _session.Dispose();
}
