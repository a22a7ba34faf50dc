using CloudSeg.Core.Imaging;
using CloudSeg.ModelCards;

namespace CloudSeg.Inference;

/// <summary>
/// A loaded instance-segmentation model of any architecture: upright RGB image in, instances with COCO RLE masks out,
/// best score first. Implementations serve concurrent callers. Hosts get one from <see cref="SegmenterFactory"/>.
/// </summary>
public interface ISegmenter : IDisposable
{
    /// <summary>The package's card (or one made from the graph's metadata when the package has none).</summary>
    ModelCard Card { get; }

    ModelArchitecture Architecture { get; }

    /// <summary>Who exported the graph, i.e. its input/output contract.</summary>
    ModelFormat Format { get; }

    /// <summary>Which of the package's graphs runs (float, or the int8 graph of <c>cloudseg quantize</c>).</summary>
    ModelPrecision Precision { get; }

    /// <summary>"CUDA" or "CPU".</summary>
    string ExecutionProvider { get; }

    /// <summary>
    /// The largest size at which the model looks at a <paramref name="width"/>×<paramref name="height"/> picture.
    /// Decoding the picture any larger only costs memory; segment the smaller image with
    /// <see cref="SegmentRequestOptions.SourceSize"/> to get full-size results.
    /// </summary>
    (int Width, int Height) WorkingSize(int width, int height);

    /// <summary>Stops ONNX Runtime's profiler (<see cref="SegmenterOptions.ProfilePrefix"/>) and returns the file it wrote.</summary>
    string EndProfiling();

    Task<Segmentation> SegmentAsync(RgbImage image, SegmentRequestOptions? options = null, CancellationToken ct = default);
}
