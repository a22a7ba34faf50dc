using System.Text.Json.Serialization;
using CloudSeg.Core.Masks;

namespace CloudSeg.Core.Coco;

/// <summary>
/// COCO's RLE segmentation object: <c>{"size": [height, width], "counts": "compressed string"}</c>.
/// Reading also accepts uncompressed counts (an array of run lengths), which are stored compressed.
/// </summary>
[JsonConverter(typeof(CocoSegmentationConverter))]
public sealed record CocoSegmentation(int Height, int Width, string Counts)
{
    public static CocoSegmentation FromMask(RleMask mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        return new CocoSegmentation(mask.Height, mask.Width, mask.ToCompressedString());
    }

    /// <summary>COCO's <c>size</c>: [height, width].</summary>
    public int[] Size => [Height, Width];

    public RleMask ToMask() => RleMask.FromCompressedString(Counts, Height, Width);
}
