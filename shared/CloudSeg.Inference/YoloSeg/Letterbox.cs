using CloudSeg.Core.Geometry;

namespace CloudSeg.Inference;

/// <summary>
/// Ultralytics' letterbox: the picture scaled by r = min(S/w, S/h) (up or down) to round(w·r)×round(h·r), centred in an
/// S×S square framed with grey 114 (the split of odd padding as Ultralytics rounds it: top/left = round(pad/2 − 0.1)).
/// <see cref="ImageWidth"/>×<see cref="ImageHeight"/> is the picture results are given in.
/// </summary>
public sealed record Letterbox(int ImageWidth, int ImageHeight, int Side, int ResizedWidth, int ResizedHeight, int Left, int Top)
{
    public const byte FillValue = 114;

    /// <summary>RGB, bytes / 255, no mean: Ultralytics' input values.</summary>
    internal static readonly InputRecipe Recipe = new(Bgr: false, ValueScale: 1f / 255f, Mean: [0f, 0f, 0f], ShortSide: null, LongSideCap: 0, SizeDivisibility: 1);

    /// <param name="width">Width of the image given to the graph.</param>
    /// <param name="height">Its height.</param>
    /// <param name="side">The graph's square input side.</param>
    public static Letterbox Plan(int width, int height, int side)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var r = Math.Min((double)side / width, (double)side / height);
        // Python's round() is round-half-to-even, as is Math.Round's default.
        var resizedWidth = Math.Clamp((int)Math.Round(width * r), 1, side);
        var resizedHeight = Math.Clamp((int)Math.Round(height * r), 1, side);
        var left = (int)Math.Round((side - resizedWidth) / 2.0 - 0.1);
        var top = (int)Math.Round((side - resizedHeight) / 2.0 - 0.1);
        return new Letterbox(width, height, side, resizedWidth, resizedHeight, left, top);
    }

    /// <summary>Image pixels per input pixel, horizontally: the resized picture spans <see cref="ResizedWidth"/> input pixels.</summary>
    public double ScaleX => (double)ImageWidth / ResizedWidth;

    public double ScaleY => (double)ImageHeight / ResizedHeight;

    /// <summary>A box in input pixels (x1, y1, x2, y2) in image pixels, clipped to the image.</summary>
    public BoxF ToImage(float x1, float y1, float x2, float y2) => new BoxF(
        (float)((x1 - Left) * ScaleX), (float)((y1 - Top) * ScaleY),
        (float)((x2 - Left) * ScaleX), (float)((y2 - Top) * ScaleY)).ClipTo(ImageWidth, ImageHeight);

    /// <summary>The same letterbox with results given in a <paramref name="width"/>×<paramref name="height"/> source
    /// picture that the segmented image was shrunk from.</summary>
    public Letterbox ForSource(int width, int height) => this with { ImageWidth = width, ImageHeight = height };
}
