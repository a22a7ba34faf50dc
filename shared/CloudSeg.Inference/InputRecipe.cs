using CloudSeg.ModelCards;

namespace CloudSeg.Inference;

/// <summary>How an upright RGB image becomes the graph's float [3,H,W] input for one model format.</summary>
/// <param name="Bgr">Channel order of the tensor.</param>
/// <param name="ValueScale">Multiplies the 0–255 byte values (1/255 for [0,1] inputs).</param>
/// <param name="Mean">Subtracted per tensor channel after scaling.</param>
/// <param name="ShortSide">Resize so the short side is this (maskrcnn-benchmark's rule), or null to keep the size.</param>
/// <param name="LongSideCap">With <paramref name="ShortSide"/>: the long side may not exceed this.</param>
/// <param name="SizeDivisibility">Zero-pad the tensor's sides up to multiples of this.</param>
public sealed record InputRecipe(bool Bgr, float ValueScale, IReadOnlyList<float> Mean, int? ShortSide, int LongSideCap, int SizeDivisibility)
{
    public static readonly IReadOnlyList<float> CaffeBgrMean = [102.9801f, 115.9465f, 122.7717f];

    public static InputRecipe For(ModelFormat format, ModelInputSpec? spec) => format switch
    {
        ModelFormat.ModelZoo => new InputRecipe(
            Bgr: !string.Equals(spec?.Color, "RGB", StringComparison.OrdinalIgnoreCase),
            ValueScale: spec?.Range is [_, <= 1f] ? 1f / 255f : 1f,
            Mean: spec?.Mean is { Count: 3 } mean ? mean : CaffeBgrMean,
            ShortSide: spec?.MinSize ?? 800,
            LongSideCap: spec?.MaxSize ?? 1333,
            SizeDivisibility: spec?.SizeDivisibility ?? 32),
        // torchvision-style graphs resize and normalise inside; they take the plain image in [0,1].
        _ => new InputRecipe(Bgr: false, ValueScale: 1f / 255f, Mean: [0f, 0f, 0f], ShortSide: null, LongSideCap: 0, SizeDivisibility: 1),
    };

    /// <summary>The recipe for a graph as it stands in its package: the requested format, else the card's, else detected.</summary>
    public static InputRecipe ForGraph(CloudSeg.Onnx.ModelProto model, ModelCard card, ModelFormat? requested)
    {
        var roles = OutputRoles.Resolve(GraphSignature.Of(model.Graph));
        return For(FormatDetection.Resolve(requested, card, model, roles, MaskPasteCut.Analyse(model.Graph, roles.Masks)), card.Input);
    }
}

/// <summary>Where the image sits in the tensor: resized to <see cref="ResizedWidth"/>×<see cref="ResizedHeight"/> at
/// the top-left of a zero-padded <see cref="TensorWidth"/>×<see cref="TensorHeight"/> tensor.</summary>
public sealed record InputGeometry(int ImageWidth, int ImageHeight, int ResizedWidth, int ResizedHeight, int TensorWidth, int TensorHeight)
{
    public float ScaleX => (float)ResizedWidth / ImageWidth;

    public float ScaleY => (float)ResizedHeight / ImageHeight;

    public bool IsIdentity => ResizedWidth == ImageWidth && ResizedHeight == ImageHeight && TensorWidth == ImageWidth && TensorHeight == ImageHeight;

    public static InputGeometry Plan(int width, int height, InputRecipe recipe, int maxInputSide, int maxAspectRatio)
    {
        var (resizedWidth, resizedHeight) = recipe.ShortSide is { } shortSide
            ? ShortSideSize(width, height, shortSide, recipe.LongSideCap)
            : CappedSize(width, height, maxInputSide);
        var (tensorWidth, tensorHeight) = (resizedWidth, resizedHeight);
        if (maxAspectRatio > 0)
        {
            tensorHeight = Math.Max(tensorHeight, CeilDiv(tensorWidth, maxAspectRatio));
            tensorWidth = Math.Max(tensorWidth, CeilDiv(tensorHeight, maxAspectRatio));
        }
        var d = Math.Max(1, recipe.SizeDivisibility);
        return new InputGeometry(width, height, resizedWidth, resizedHeight, CeilDiv(tensorWidth, d) * d, CeilDiv(tensorHeight, d) * d);
    }

    /// <summary>maskrcnn-benchmark's <c>Resize.get_size</c>: short side to <paramref name="size"/> unless that pushes
    /// the long side past <paramref name="maxSize"/>; the other side truncated, as there.</summary>
    public static (int Width, int Height) ShortSideSize(int width, int height, int size, int maxSize)
    {
        double shortSide = Math.Min(width, height), longSide = Math.Max(width, height);
        if (maxSize > 0 && longSide / shortSide * size > maxSize)
            size = (int)Math.Round(maxSize * shortSide / longSide, MidpointRounding.ToEven);
        size = Math.Max(size, 1);
        if ((width <= height && width == size) || (height <= width && height == size))
            return (width, height);
        return width < height
            ? (size, Math.Max(1, (int)((long)size * height / width)))
            : (Math.Max(1, (int)((long)size * width / height)), size);
    }

    private static (int Width, int Height) CappedSize(int width, int height, int maxSide)
    {
        var longSide = Math.Max(width, height);
        if (maxSide <= 0 || longSide <= maxSide)
            return (width, height);
        var scale = (double)maxSide / longSide;
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    private static int CeilDiv(int value, int divisor) => (value + divisor - 1) / divisor;
}
