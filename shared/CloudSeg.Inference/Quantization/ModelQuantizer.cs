using System.Diagnostics;
using System.Security.Cryptography;
using CloudSeg.ModelCards;
using CloudSeg.Onnx;
using CloudSeg.Onnx.Quantization;
using Microsoft.Extensions.Logging;

namespace CloudSeg.Inference.Quantization;

/// <param name="ModelPath">A model package (folder or .onnx file) with a float graph.</param>
/// <param name="CalibrationFolder">Pictures like the ones the model will see.</param>
/// <param name="Images">How many of them to use (0 = all).</param>
/// <param name="OutputFolder">Where the package with both graphs is written (may be the model's own folder).</param>
/// <param name="MinAgreement">The sensitivity pass leaves layers float until the int8 graph agrees this well with the
/// float one on the held-back pictures (see <see cref="DetectionAgreement"/>).</param>
/// <param name="MaxFloatFraction">At most this share of the quantizable layers is left float.</param>
/// <param name="Activations">Signed or unsigned int8 activations (see <see cref="ActivationType"/>).</param>
public sealed record QuantizationRequest(string ModelPath, string CalibrationFolder, int Images, string OutputFolder,
    double MinAgreement = 0.97, double MaxFloatFraction = 0.25, ActivationType Activations = ActivationType.UInt8);

public sealed record QuantizationResult(string FloatPath, string Int8Path, string CardPath, Int8GraphInfo Info, TimeSpan Elapsed);

/// <summary>
/// Static int8 quantization of a model package in QDQ form (<see cref="QdqPlan"/>, <see cref="QdqRewriter"/>):
/// calibrate activation ranges on pictures, keep the calibration method whose graph agrees better with the float graph
/// on held-back pictures, then leave float the layers that cost the most (ranked by <see cref="SensitivityRanking"/>,
/// in growing groups) until the agreement reaches the request's goal. Writes the float graph, the int8 graph and the card.
/// </summary>
public static partial class ModelQuantizer
{
    public const string PrecisionDescription =
        "int8 QDQ: signed int8 activations (per tensor, asymmetric), int8 weights (symmetric, per output channel), int32 biases";

    public static async Task<QuantizationResult> QuantizeAsync(QuantizationRequest request, ILogger logger, CancellationToken ct = default)
    {
        if (request.MinAgreement is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(request), request.MinAgreement, "The agreement goal must be between 0 and 1.");
        var clock = Stopwatch.StartNew();
        var package = ModelPackage.Locate(request.ModelPath);
        var card = package.ReadCard();
        var images = CalibrationImages.From(request.CalibrationFolder, request.Images);
        ModelProto model;
        try
        {
            model = OnnxModelFile.Read(package.OnnxPath);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{package.OnnxPath} is not an ONNX model: {e.Message}", e);
        }
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new InvalidDataException($"{package.OnnxPath} holds no ONNX graph (empty or not an ONNX model).");
        var options = new SegmenterOptions { Precision = ModelPrecision.Float32 };
        var recipe = InputRecipe.ForGraph(model, card, null);
        var plan = QdqPlan.For(model);
        if (plan.Nodes.All(n => n.WeightAxis < 0))
            throw new InvalidDataException($"{package.OnnxPath} has no convolution or fully-connected layer with constant weights to quantize.");

        LogCalibrating(logger, plan.Activations.Count, images.Calibration.Count);
        var calibration = RangeCalibrator.Run(model, plan.Activations, recipe, images.Calibration, options, logger, ct);

        using var work = new CandidateFolder(card);
        var reference = await work.SegmentAsync(package.OnnxPath, images.Evaluation, ct);
        var tried = new Dictionary<string, double>();
        (CalibrationMethod Method, ModelProto Graph, double Agreement)? best = null;
        foreach (var method in Enum.GetValues<CalibrationMethod>())
        {
            var graph = Build(model, plan, calibration.Ranges(method), request.Activations);
            var agreement = DetectionAgreement.Of(reference, await work.SegmentAsync(graph, images.Evaluation, ct));
            tried[method.ToCardName()] = agreement;
            LogCandidate(logger, method.ToCardName(), 0, agreement);
            if (best is null || agreement > best.Value.Agreement) best = (method, graph, agreement);
        }
        var (chosen, int8, agreementNow) = best!.Value;
        var ranges = calibration.Ranges(chosen);

        var keptFloat = new List<string>();
        if (agreementNow < request.MinAgreement)
        {
            var ranking = SensitivityRanking.Rank(model, int8, plan, recipe, images.Evaluation, options, logger, ct);
            var weighted = plan.Nodes.Where(n => n.WeightAxis >= 0).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
            var budget = (int)Math.Ceiling(weighted.Count * request.MaxFloatFraction);
            var order = ranking.Where(r => weighted.Contains(r.Node)).Select(r => r.Node).ToList();
            // Growing groups (1, 2, 4, … layers) rather than one run per layer: each try segments the held-back pictures.
            for (var count = 1; agreementNow < request.MinAgreement && count <= budget; count = count == budget ? budget + 1 : Math.Min(2 * count, budget))
            {
                var keep = order.Take(count).ToHashSet(StringComparer.Ordinal);
                var keepPlan = QdqPlan.For(model, keep);
                var graph = Build(model, keepPlan, ranges, request.Activations);
                var agreement = DetectionAgreement.Of(reference, await work.SegmentAsync(graph, images.Evaluation, ct));
                LogCandidate(logger, chosen.ToCardName(), count, agreement);
                if (agreement > agreementNow) (int8, agreementNow, keptFloat, plan) = (graph, agreement, keep.ToList(), keepPlan);
            }
        }

        var info = new Int8GraphInfo
        {
            Precision = (request.Activations == ActivationType.UInt8 ? PrecisionDescription.Replace("signed int8 activations", "unsigned int8 activations") : PrecisionDescription)
                + (plan.WeightsInMicrosoftDomain ? " (weights through com.microsoft DequantizeLinear: the graph's opset predates per-axis QDQ)" : ""),
            Calibration = new CalibrationInfo
            {
                Method = chosen.ToCardName(),
                Tried = tried,
                Source = request.CalibrationFolder,
                Images = images.Calibration.Count,
                HeldBackImages = images.Evaluation.Count,
                Digest = Digest(images),
            },
            Agreement = Math.Round(agreementNow, 4),
            QuantizedNodes = plan.Nodes.Count,
            FloatNodes = keptFloat,
            Date = DateTimeOffset.UtcNow,
        };
        return Write(package, card with { Int8 = info }, int8, request.OutputFolder, info, clock.Elapsed);
    }

    private static ModelProto Build(ModelProto model, QdqPlan plan, IReadOnlyDictionary<string, ActivationRange> ranges, ActivationType activations)
    {
        var copy = model.Clone();
        QdqRewriter.Apply(copy, plan, ranges, activations);
        return copy;
    }

    private static QuantizationResult Write(ModelPackage package, ModelCard card, ModelProto int8, string folder, Int8GraphInfo info, TimeSpan elapsed)
    {
        Directory.CreateDirectory(folder);
        var floatPath = Path.Combine(folder, ModelPackage.OnnxFileName);
        if (!string.Equals(Path.GetFullPath(floatPath), Path.GetFullPath(package.OnnxPath), StringComparison.Ordinal))
            File.Copy(package.OnnxPath, floatPath, overwrite: true);
        var int8Path = Path.Combine(folder, ModelPackage.Int8OnnxFileName);
        // Written beside and moved into place, so a reader never sees half a graph.
        OnnxModelFile.Write(int8, int8Path + ".partial");
        File.Move(int8Path + ".partial", int8Path, overwrite: true);
        var cardPath = Path.Combine(folder, ModelPackage.CardFileName);
        card.Write(cardPath);
        return new QuantizationResult(floatPath, int8Path, cardPath, info, elapsed);
    }

    private static string Digest(CalibrationImages images)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in images.Calibration)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(path)));
            hash.AppendData(File.ReadAllBytes(path));
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Calibrating {Tensors} activations on {Images} pictures")]
    private static partial void LogCalibrating(ILogger logger, int tensors, int images);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calibration {Method}, {Float} layers left float: agreement with the float graph {Agreement:F4}")]
    private static partial void LogCandidate(ILogger logger, string method, int @float, double agreement);
}
