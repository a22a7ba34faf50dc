using CloudSeg.Core.Imaging;
using CloudSeg.Inference;
using CloudSeg.Training.Detection;
using static TorchSharp.torch;

namespace CloudSeg.Training.Export;

/// <summary>How the exported package and the TorchSharp model agree on one image (all detections, no thresholds).</summary>
public sealed record ExportCheck(string Image, int TorchSharpInstances, int OnnxInstances, float MaxBoxDifference, float MaxScoreDifference)
{
    /// <summary>Boxes within a hundredth of a pixel, scores within 1e-3: float rounding, not a different model.</summary>
    public bool Agrees => TorchSharpInstances == OnnxInstances && MaxBoxDifference < 1e-2f && MaxScoreDifference < 1e-3f;
}

/// <summary>
/// Runs images through both the TorchSharp model and the exported package (with the inference engine, as production
/// will) and compares every detection, so a shipped model is known to behave like the one that was evaluated.
/// </summary>
public static class ExportVerification
{
    public static async Task<IReadOnlyList<ExportCheck>> VerifyAsync(MaskRcnn model, string packageDirectory,
        IEnumerable<string> imagePaths, CancellationToken cancellationToken)
    {
        // The float graph: it is what the export wrote; an int8 graph beside it (CPU hosts' default) is checked against
        // the float one by `cloudseg quantize`, not against the training forward.
        using var segmenter = SegmenterFactory.Load(packageDirectory,
            new SegmenterOptions { PreferCuda = false, ScoreThreshold = 0f, UseMaskIouRescoring = false, Precision = ModelPrecision.Float32 });
        model.eval();
        var checks = new List<ExportCheck>();
        foreach (var path in imagePaths)
        {
            await using var stream = File.OpenRead(path);
            var image = await ImageDecoder.DecodeAsync(stream, cancellationToken: cancellationToken);
            var onnx = (await segmenter.SegmentAsync(image, ct: cancellationToken)).Instances;
            var torch = TorchSharpDetections(model, image);
            checks.Add(Compare(Path.GetFileName(path), torch, onnx));
        }
        return checks;
    }

    private static (float[] Boxes, long[] Labels, float[] Scores) TorchSharpDetections(MaskRcnn model, RgbImage image)
    {
        using var scope = NewDisposeScope();
        var input = tensor(image.Pixels, [image.Height, image.Width, 3]).permute(2, 0, 1).to_type(ScalarType.Float32) / 255f;
        var detections = model.Detect([input])[0];
        float[] Floats(Tensor t) => t.numel() == 0 ? [] : t.contiguous().data<float>().ToArray();
        return (Floats(detections.Boxes), detections.Labels.numel() == 0 ? [] : detections.Labels.data<long>().ToArray(), Floats(detections.Scores));
    }

    /// <summary>Pairs each TorchSharp detection with the nearest unpaired ONNX one of the same class (order may differ on near-equal scores).</summary>
    private static ExportCheck Compare(string image, (float[] Boxes, long[] Labels, float[] Scores) torch, IReadOnlyList<SegmentedInstance> onnx)
    {
        var used = new bool[onnx.Count];
        float maxBox = 0, maxScore = 0;
        for (var i = 0; i < torch.Labels.Length; i++)
        {
            float Distance(SegmentedInstance o) => new[]
            {
                MathF.Abs(o.Box.X1 - torch.Boxes[4 * i]), MathF.Abs(o.Box.Y1 - torch.Boxes[4 * i + 1]),
                MathF.Abs(o.Box.X2 - torch.Boxes[4 * i + 2]), MathF.Abs(o.Box.Y2 - torch.Boxes[4 * i + 3]),
            }.Max();
            var candidates = Enumerable.Range(0, onnx.Count).Where(j => !used[j] && onnx[j].CategoryId == torch.Labels[i]).ToList();
            if (candidates.Count == 0)
            {
                maxBox = float.PositiveInfinity;
                continue;
            }
            var match = candidates.MinBy(j => Distance(onnx[j]));
            used[match] = true;
            maxBox = MathF.Max(maxBox, Distance(onnx[match]));
            maxScore = MathF.Max(maxScore, MathF.Abs(onnx[match].Score - torch.Scores[i]));
        }
        return new ExportCheck(image, torch.Labels.Length, onnx.Count, maxBox, maxScore);
    }
}
