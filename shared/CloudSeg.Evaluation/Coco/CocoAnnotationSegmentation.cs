using System.Text.Json.Serialization;
using CloudSeg.Core.Masks;

namespace CloudSeg.Evaluation.Coco;

/// <summary>
/// An annotation's "segmentation" in any of COCO's three encodings: a list of polygons (flat x,y lists),
/// an uncompressed RLE <c>{"counts": [int...], "size": [h, w]}</c> or a compressed RLE <c>{"counts": "string", "size": [h, w]}</c>.
/// It is written back in the encoding it was read in.
/// </summary>
[JsonConverter(typeof(CocoAnnotationSegmentationJsonConverter))]
public sealed class CocoAnnotationSegmentation
{
    private CocoAnnotationSegmentation(IReadOnlyList<double[]>? polygons, long[]? uncompressedCounts, string? compressedCounts, int height, int width)
    {
        Polygons = polygons;
        UncompressedCounts = uncompressedCounts;
        CompressedCounts = compressedCounts;
        Height = height;
        Width = width;
    }

    /// <summary>Polygons as flat [x0, y0, x1, y1, ...] lists, or null when the segmentation is an RLE.</summary>
    public IReadOnlyList<double[]>? Polygons { get; }

    public long[]? UncompressedCounts { get; }

    public string? CompressedCounts { get; }

    /// <summary>RLE height (the "size" field); 0 for polygons, which take their size from the image.</summary>
    public int Height { get; }

    public int Width { get; }

    public bool IsPolygons => Polygons is not null;

    public static CocoAnnotationSegmentation FromPolygons(IReadOnlyList<double[]> polygons) => new(polygons, null, null, 0, 0);

    public static CocoAnnotationSegmentation FromUncompressedRle(long[] counts, int height, int width) => new(null, counts, null, height, width);

    public static CocoAnnotationSegmentation FromCompressedRle(string counts, int height, int width) => new(null, null, counts, height, width);

    /// <summary>The compressed RLE form of a mask, as COCO results and our own datasets store it.</summary>
    public static CocoAnnotationSegmentation FromMask(RleMask mask) => FromCompressedRle(mask.ToCompressedString(), mask.Height, mask.Width);

    /// <summary>
    /// Decodes to one mask of the image's size, the way pycocotools' annToRLE does: several polygons are merged
    /// (union); an RLE must already have the image's size.
    /// </summary>
    public RleMask ToMask(int imageHeight, int imageWidth)
    {
        if (Polygons is not null)
        {
            return RleMask.FromPolygons(Polygons, imageHeight, imageWidth);
        }
        if (Height != imageHeight || Width != imageWidth)
        {
            throw new InvalidDataException($"RLE size {Height}x{Width} differs from the image size {imageHeight}x{imageWidth}.");
        }
        return CompressedCounts is not null
            ? RleMask.FromCompressedString(CompressedCounts, Height, Width)
            : RleMask.FromUncompressed(UncompressedCounts!, Height, Width);
    }
}
