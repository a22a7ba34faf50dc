using System.Diagnostics;
using CloudSeg.Core.Imaging;
using CloudSeg.ModelCards;
using CloudSeg.Onnx;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CloudSeg.Inference;

/// <summary>
/// Runs a Mask R-CNN ONNX model (torchvision, ONNX Model Zoo or cloudseg contract) on upright RGB images and returns
/// instances with COCO RLE masks. One instance serves concurrent callers: ONNX Runtime's Run is thread-safe and
/// everything else here is per call.
/// </summary>
public sealed class MaskRcnnSegmenter : ISegmenter
{
    private readonly InferenceSession _session;
    private readonly SegmenterOptions _options;
    private readonly InputRecipe _recipe;
    private readonly OutputRoles _roles;
    private readonly string _inputName;
    private readonly InstanceDecoder _decoder;

    private MaskRcnnSegmenter(InferenceSession session, string provider, ModelCard card, ModelFormat format, OutputRoles roles,
        string inputName, bool masksArePasted, SegmenterOptions options)
    {
        _session = session;
        ExecutionProvider = provider;
        Card = card;
        Format = format;
        _roles = roles;
        _inputName = inputName;
        _options = options;
        _recipe = InputRecipe.For(format, card.Input);
        _decoder = new InstanceDecoder(card, roles, masksArePasted);
    }

    public ModelCard Card { get; }

    public ModelArchitecture Architecture => ModelArchitecture.MaskRcnn;

    public ModelFormat Format { get; }

    public ModelPrecision Precision { get; private init; }

    /// <summary>"CUDA" or "CPU".</summary>
    public string ExecutionProvider { get; }

    /// <summary>True when the graph returns low-resolution masks that the segmenter pastes (model zoo, cloudseg low-res,
    /// or a torchvision graph whose paste stage was cut at load time).</summary>
    public bool PastesMasks => !_decoder.MasksArePasted;

    public static MaskRcnnSegmenter Load(string modelPath, SegmenterOptions options, ILogger? logger = null)
    {
        var package = ModelPackage.Locate(modelPath);
        return Load(package, package.ReadCard(), null, options, logger);
    }

    /// <summary>
    /// Loads the one graph of <paramref name="package"/> that the precision choice picks; <paramref name="floatGraph"/>
    /// is the float graph when the caller has already parsed it (see <see cref="SegmenterFactory"/>), else null.
    /// </summary>
    internal static MaskRcnnSegmenter Load(ModelPackage package, ModelCard card, ModelProto? floatGraph, SegmenterOptions options, ILogger? logger)
    {
        logger ??= NullLogger.Instance;
        if (options.ClassNames is { Count: > 0 } names)
            card = card with { Classes = names };

        // CPU hosts may run the package's int8 graph: then the float graph is never parsed.
        var (graphPath, precision) = GraphChoice.Choose(package, options, logger);
        var model = graphPath == package.OnnxPath && floatGraph is not null ? floatGraph : OnnxModelFile.Read(graphPath);
        var signature = GraphSignature.Of(model.Graph);
        var input = signature.Inputs.Count == 1 && signature.Inputs[0] is { Rank: 3, IsFloat: true } only
            ? only
            : throw new InvalidDataException($"Expected one float [3,H,W] image input; the graph has {signature}.");
        var roles = OutputRoles.Resolve(signature);
        var maskAnalysis = MaskPasteCut.Analyse(model.Graph, roles.Masks);
        var format = FormatDetection.Resolve(options.Format, card, model, roles, maskAnalysis);
        if (format == ModelFormat.Ultralytics)
            throw new InvalidDataException($"{package.OnnxPath}: an Ultralytics export is a YOLO-seg graph, not Mask R-CNN; its card must say \"architecture\": \"yolo_seg\".");

        var originalRoles = roles;
        // The model zoo contract returns RoI masks by definition.
        var masksArePasted = format != ModelFormat.ModelZoo && maskAnalysis.PastesIntoImage;
        var edited = false;
        if (masksArePasted && options.CutMaskPasting)
        {
            if (maskAnalysis.LowResolutionMasks is { } lowResMasks)
            {
                MaskPasteCut.Cut(model.Graph, roles.Masks, lowResMasks);
                roles = roles with { Masks = lowResMasks };
                masksArePasted = false;
                edited = true;
            }
            else
            {
                logger.LogWarning("Could not cut the full-size mask pasting out of {Model} ({Reason}); using the graph's own full-size masks",
                    package.OnnxPath, maskAnalysis.Reason);
            }
        }
        if (format == ModelFormat.Torchvision && options.FixResizeRounding && ResizeRoundingFix.Apply(model.Graph) is > 0 and var fixes)
        {
            logger.LogDebug("Rewrote {Count} resize-size computations of {Model} to torchvision's rounding", fixes, package.OnnxPath);
            edited = true;
        }
        if (options.GatherPooledLevels)
        {
            var pooling = MultiScaleRoIAlignGather.Apply(model.Graph);
            foreach (var reason in pooling.Skipped)
                logger.LogWarning("Kept a RoI pooler's per-level scatter in {Model}: {Reason}", graphPath, reason);
            if (pooling.Rewritten > 0)
            {
                logger.LogDebug("Rewrote {Count} multi-scale RoI poolers of {Model} from per-level scatters to Concat + Gather", pooling.Rewritten, graphPath);
                edited = true;
            }
        }

        InferenceSession session;
        string provider;
        try
        {
            // Only an edited graph is serialised again; otherwise ONNX Runtime reads the file as stored.
            (session, provider) = edited ? SessionFactory.Create(model.ToByteArray(), options, logger) : SessionFactory.Create(graphPath, options, logger);
        }
        catch (OnnxRuntimeException e) when (edited)
        {
            // Our edits should always give a valid graph; if one does not, the original graph still works.
            logger.LogWarning(e, "The edited graph of {Model} did not load; using the original graph", package.OnnxPath);
            (session, provider) = SessionFactory.Create(graphPath, options, logger);
            roles = originalRoles;
            masksArePasted = format != ModelFormat.ModelZoo && maskAnalysis.PastesIntoImage;
        }
        logger.LogInformation(
            "Loaded model {Name} {Version} ({Format}, {Precision}) from {Path} on {Provider}; masks pasted by {Paster}; {Classes} classes",
            card.Name, card.Version, format.ToCardName(), precision, graphPath, provider, masksArePasted ? "the graph" : "CloudSeg",
            card.Classes.Count);
        return new MaskRcnnSegmenter(session, provider, card, format, roles, input.Name, masksArePasted, options) { Precision = precision };
    }

    /// <summary>The size the input is resized to (by us, or inside the graph as its card says).</summary>
    public (int Width, int Height) WorkingSize(int width, int height)
    {
        var geometry = InputGeometry.Plan(width, height, _recipe, _options.MaxInputSide, 0);
        if (_recipe.ShortSide is null && Card.Input is { MinSize: { } min, MaxSize: { } max })
        {
            var inGraph = InputGeometry.ShortSideSize(width, height, min, max);
            if (inGraph.Width <= geometry.ResizedWidth && inGraph.Height <= geometry.ResizedHeight) return inGraph;
        }
        return (geometry.ResizedWidth, geometry.ResizedHeight);
    }

    public Task<Segmentation> SegmentAsync(RgbImage image, SegmentRequestOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Task.Run(() => Segment(image, options, ct), ct);
    }

    private Segmentation Segment(RgbImage image, SegmentRequestOptions? request, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var geometry = InputGeometry.Plan(image.Width, image.Height, _recipe, _options.MaxInputSide, _options.MaxAspectRatio);
        // Results are mapped back to the picture the image was shrunk from.
        if (request?.SourceSize is { } source)
            geometry = geometry with { ImageWidth = source.Width, ImageHeight = source.Height };
        using var input = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float,
            [3, geometry.TensorHeight, geometry.TensorWidth]);
        InputTensorWriter.Write(image, geometry, _recipe, input.GetTensorMutableDataAsSpan<float>());
        var preprocess = clock.Elapsed;
        ct.ThrowIfCancellationRequested();

        clock.Restart();
        using var outputs = CancellableRun.Run(_session, _inputName, input, _roles.Names, ct);
        var model = clock.Elapsed;

        clock.Restart();
        var thresholds = new DecodeThresholds(
            request?.ScoreThreshold ?? _options.ScoreThreshold ?? Card.ScoreThreshold ?? 0.5f,
            request?.MaskThreshold ?? _options.MaskThreshold ?? Card.MaskThreshold ?? 0.5f,
            request?.UseMaskIouRescoring ?? _options.UseMaskIouRescoring);
        var instances = _decoder.Decode(outputs, geometry, thresholds, ct);
        var postprocess = clock.Elapsed;

        return new Segmentation(geometry.ImageWidth, geometry.ImageHeight, instances,
            new StageTimings { Preprocess = preprocess, Model = model, Postprocess = postprocess });
    }

    public string EndProfiling() => _session.EndProfiling();

    public void Dispose() => _session.Dispose();
}
