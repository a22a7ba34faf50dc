using CloudSeg.ModelCards;
using CloudSeg.Onnx;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudSeg.Inference.Quantization;

/// <summary>A temporary folder where candidate graphs are written with the model's card and run through the real
/// <see cref="MaskRcnnSegmenter"/>, so candidates are judged on the instances users would get.</summary>
internal sealed class CandidateFolder : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cloudseg-quantize-").FullName;
    public CandidateFolder(ModelCard card) => card.Write(Path.Combine(_folder, "candidate.card.json"));

    public Task<IReadOnlyList<Segmentation>> SegmentAsync(ModelProto graph, IReadOnlyList<string> images, CancellationToken ct)
    {
        var path = Path.Combine(_folder, "candidate.onnx");
        OnnxModelFile.Write(graph, path);
        return SegmentAsync(path, images, ct);
    }

    /// <summary>Segments <paramref name="images"/> with the graph at <paramref name="onnxPath"/> and the card beside it.</summary>
    public async Task<IReadOnlyList<Segmentation>> SegmentAsync(string onnxPath, IReadOnlyList<string> images, CancellationToken ct)
    {
        using var segmenter = MaskRcnnSegmenter.Load(onnxPath, new SegmenterOptions { Precision = ModelPrecision.Float32 }, NullLogger.Instance);
        var results = new List<Segmentation>();
        foreach (var image in images)
            results.Add(await segmenter.SegmentAsync(CalibrationImages.Decode(image), ct: ct));
        return results;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
