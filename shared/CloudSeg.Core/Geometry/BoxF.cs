namespace CloudSeg.Core.Geometry;

/// <summary>
/// An axis-aligned box in pixel coordinates, corners (X1, Y1) top-left and (X2, Y2) bottom-right, the
/// convention of torchvision's detection outputs. Width and height are X2 - X1 and Y2 - Y1 (no "+1").
/// </summary>
public readonly record struct BoxF(float X1, float Y1, float X2, float Y2)
{
    public float Width => X2 - X1;

    public float Height => Y2 - Y1;

    /// <summary>Width × height, zero for degenerate boxes.</summary>
    public float Area => Math.Max(0f, Width) * Math.Max(0f, Height);

    public static BoxF FromXywh(float x, float y, float width, float height) => new(x, y, x + width, y + height);

    /// <summary>Intersection over union as torchvision's box_iou computes it; 0 when the union is empty.</summary>
    public float IoU(BoxF other)
    {
        var intersection = Intersection(other);
        var union = Area + other.Area - intersection;
        return union > 0f ? intersection / union : 0f;
    }

    /// <summary>The area both boxes cover.</summary>
    public float Intersection(BoxF other)
    {
        var w = Math.Max(0f, Math.Min(X2, other.X2) - Math.Max(X1, other.X1));
        var h = Math.Max(0f, Math.Min(Y2, other.Y2) - Math.Max(Y1, other.Y1));
        return w * h;
    }

    /// <summary>The box limited to an image of the given size.</summary>
    public BoxF ClipTo(int imageWidth, int imageHeight) => new(
        Math.Clamp(X1, 0f, imageWidth), Math.Clamp(Y1, 0f, imageHeight),
        Math.Clamp(X2, 0f, imageWidth), Math.Clamp(Y2, 0f, imageHeight));

    /// <summary>The box scaled by independent factors per axis (e.g. from model input size back to image size).</summary>
    public BoxF Scale(float scaleX, float scaleY) => new(X1 * scaleX, Y1 * scaleY, X2 * scaleX, Y2 * scaleY);

    /// <summary>COCO's [x, y, width, height].</summary>
    public float[] ToXywh() => [X1, Y1, Width, Height];
}
