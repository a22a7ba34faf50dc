using CloudSeg.ModelCards;
using CloudSeg.Onnx;
using Microsoft.Extensions.Logging;

namespace CloudSeg.Inference;

/// <summary>
/// The one place that decides which segmenter runs a package: the caller's format, else the card's architecture, else
/// what the graph looks like. Hosts (functions, CLI, training's checks) load every model through here.
/// </summary>
public static class SegmenterFactory
{
    /// <summary>Metadata key our exports may set on the ModelProto to name the architecture of a card-less graph.</summary>
    public const string ArchitectureMetadataKey = "cloudseg.architecture";

    public static ISegmenter Load(string modelPath, SegmenterOptions options, ILogger? logger = null)
    {
        var package = ModelPackage.Locate(modelPath);
        var card = package.CardPath is null ? null : ModelCard.Read(package.CardPath);
        // A graph is tens of MB of protobuf: parse the float graph only when the architecture needs it, and once.
        ModelProto? floatGraph = null;
        ModelProto FloatGraph() => floatGraph ??= OnnxModelFile.Read(package.OnnxPath);
        var architecture = ResolveArchitecture(options.Format, card, FloatGraph);
        card ??= package.ReadCard();
        return architecture switch
        {
            ModelArchitecture.MaskRcnn => MaskRcnnSegmenter.Load(package, card, floatGraph, options, logger),
            ModelArchitecture.YoloSeg => YoloSegSegmenter.Load(package, card with { Architecture = architecture }, FloatGraph(), options, logger),
            ModelArchitecture.Yolact => YolactSegmenter.Load(package, card, FloatGraph(), options, logger),
            _ => throw new InvalidDataException($"{package.OnnxPath}: unknown architecture {architecture}."),
        };
    }

    /// <summary>
    /// An Ultralytics format means YOLO-seg; a card names its architecture (cards without the field are Mask R-CNN); a
    /// graph without a card is recognised by its metadata or by YOLO-seg's signature (one [1,3,S,S] input, outputs of
    /// rank 3 and 4), else taken for Mask R-CNN, whose exports take a [3,H,W] image. <paramref name="graph"/> is called
    /// only in that last case.
    /// </summary>
    public static ModelArchitecture ResolveArchitecture(ModelFormat? requested, ModelCard? card, Func<ModelProto> graph)
    {
        if (requested == ModelFormat.Ultralytics) return ModelArchitecture.YoloSeg;
        if (card is not null)
            return card.Format is { } format && ModelFormats.TryParse(format, out var f) && f == ModelFormat.Ultralytics
                ? ModelArchitecture.YoloSeg
                : card.Architecture;
        // torchvision, the model zoo and cloudseg's Mask R-CNN exports.
        if (requested is not null) return ModelArchitecture.MaskRcnn;
        var model = graph();
        if (model.MetadataProps.FirstOrDefault(p => p.Key == ArchitectureMetadataKey)?.Value is { } declared)
            return ModelArchitectures.Parse(declared);
        return YoloSegContract.Matches(GraphSignature.Of(model.Graph)) ? ModelArchitecture.YoloSeg : ModelArchitecture.MaskRcnn;
    }
}
