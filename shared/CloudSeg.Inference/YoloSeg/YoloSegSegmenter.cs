using System.Diagnostics;
using CloudSeg.Core.Imaging;
using CloudSeg.ModelCards;
using CloudSeg.Onnx;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CloudSeg.Inference;

/// <summary>
/// Serves an Ultralytics YOLOv8/YOLO11-seg ONNX export as it is (see <see cref="ModelFormat.Ultralytics"/>): letterbox
/// in, then the steps the export leaves out — score filter, class-aware NMS, mask assembly from the prototypes — in C#.
/// Labels are the export's class indices + 1, so the card's class list keeps CloudSeg's background at index 0.
/// </summary>
public sealed class YoloSegSegmenter : ISegmenter
{
    /// <summary>Ultralytics' predict defaults, used where neither the request, the options nor the card say otherwise.</summary>
    public const float DefaultScoreThreshold = 0.25f;

    public const float NmsIouThreshold = 0.7f;

    public const int MaxDetections = 300;

    private readonly InferenceSession _session;
    private readonly YoloSegContract _contract;
    private readonly SegmenterOptions _options;
    private readonly YoloSegDecoder _decoder;

    private YoloSegSegmenter(InferenceSession session, string provider, ModelCard card, YoloSegContract contract, SegmenterOptions options)
    {
        _session = session;
        ExecutionProvider = provider;
        Card = card;
        _contract = contract;
        _options = options;
        _decoder = new YoloSegDecoder(card, contract);
    }

    public ModelCard Card { get; }

    public ModelArchitecture Architecture => ModelArchitecture.YoloSeg;

    public ModelFormat Format => ModelFormat.Ultralytics;

    /// <summary>Ultralytics files are served as they are: their float graph.</summary>
    public ModelPrecision Precision => ModelPrecision.Float32;

    public string ExecutionProvider { get; }

    internal static YoloSegSegmenter Load(ModelPackage package, ModelCard card, ModelProto model, SegmenterOptions options, ILogger? logger)
    {
        logger ??= NullLogger.Instance;
        var contract = YoloSegContract.Resolve(GraphSignature.Of(model.Graph));
        var classes = options.ClassNames is { Count: > 0 } names ? names
            : card.Classes.Count > 0 ? card.Classes
            : ClassesFromMetadata(model, contract.ClassCount, package.OnnxPath);
        if (classes.Count - 1 != contract.ClassCount)
            throw new InvalidDataException(
                $"{package.OnnxPath}: the graph scores {contract.ClassCount} classes but the class list has {classes.Count - 1} (plus background).");
        card = card with { Architecture = ModelArchitecture.YoloSeg, Format = ModelFormat.Ultralytics.ToCardName(), Classes = classes };

        var (session, provider) = SessionFactory.Create(package.OnnxPath, options, logger);
        logger.LogInformation("Loaded model {Name} {Version} ({Architecture}, {Format}) from {Path} on {Provider}; {Side}px input; {Classes} classes",
            card.Name, card.Version, card.Architecture.ToCardName(), card.Format, package.OnnxPath, provider, contract.InputSide, contract.ClassCount);
        return new YoloSegSegmenter(session, provider, card, contract, options);
    }

    /// <summary>The export's <c>names</c> metadata as a card class list (background first); numbered names where it has none.</summary>
    private static IReadOnlyList<string> ClassesFromMetadata(ModelProto model, int classCount, string path)
    {
        var literal = model.MetadataProps.FirstOrDefault(p => p.Key == YoloSegContract.NamesMetadataKey)?.Value;
        IReadOnlyDictionary<int, string> names;
        try
        {
            names = literal is null ? new Dictionary<int, string>() : PythonDictLiteral.ParseIntToString(literal);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{path}: metadata '{YoloSegContract.NamesMetadataKey}' is not a class-names dict: {e.Message}", e);
        }
        return ["__background__", .. Enumerable.Range(0, classCount).Select(i => names.TryGetValue(i, out var n) ? n : $"class {i + 1}")];
    }

    /// <summary>The letterbox's resized size when it shrinks the picture; a smaller picture is enlarged, so its own size.</summary>
    public (int Width, int Height) WorkingSize(int width, int height)
    {
        var letterbox = Letterbox.Plan(width, height, _contract.InputSide);
        return letterbox.ResizedWidth < width ? (letterbox.ResizedWidth, letterbox.ResizedHeight) : (width, height);
    }

    public Task<Segmentation> SegmentAsync(RgbImage image, SegmentRequestOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Task.Run(() => Segment(image, options, ct), ct);
    }

    private Segmentation Segment(RgbImage image, SegmentRequestOptions? request, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var side = _contract.InputSide;
        var letterbox = Letterbox.Plan(image.Width, image.Height, side);
        using var input = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, 3, side, side]);
        InputTensorWriter.WriteLetterboxed(image, letterbox, input.GetTensorMutableDataAsSpan<float>());
        if (request?.SourceSize is { } source)
            letterbox = letterbox.ForSource(source.Width, source.Height);
        var preprocess = clock.Elapsed;
        ct.ThrowIfCancellationRequested();

        clock.Restart();
        using var outputs = CancellableRun.Run(_session, _contract.Input, input, [_contract.Detections, _contract.Prototypes], ct);
        var model = clock.Elapsed;

        clock.Restart();
        var scoreThreshold = request?.ScoreThreshold ?? _options.ScoreThreshold ?? Card.ScoreThreshold ?? DefaultScoreThreshold;
        var maskThreshold = request?.MaskThreshold ?? _options.MaskThreshold ?? Card.MaskThreshold ?? 0.5f;
        var instances = _decoder.Decode(outputs[0], outputs[1], letterbox, scoreThreshold, maskThreshold, ct);
        var postprocess = clock.Elapsed;

        return new Segmentation(letterbox.ImageWidth, letterbox.ImageHeight, instances,
            new StageTimings { Preprocess = preprocess, Model = model, Postprocess = postprocess });
    }

    public string EndProfiling() => _session.EndProfiling();

    public void Dispose() => _session.Dispose();
}
