namespace CloudSeg.Datasets.Shapes;

/// <summary>How the synthetic shapes dataset is drawn. The same options and seed always give byte-identical images.</summary>
public sealed record ShapesOptions
{
    /// <summary>Width and height of every image, in pixels.</summary>
    public int ImageSize { get; init; } = 128;

    public int Seed { get; init; } = 1;

    /// <summary>The classes, in category-id order (ids 1..N).</summary>
    public IReadOnlyList<ShapeKind> Classes { get; init; } = [ShapeKind.Circle, ShapeKind.Square, ShapeKind.Triangle, ShapeKind.Star];

    public int MinShapesPerImage { get; init; } = 1;

    public int MaxShapesPerImage { get; init; } = 4;

    /// <summary>Shape radius (centre to farthest point) range, as fractions of the image size.</summary>
    public double MinRadius { get; init; } = 0.08;

    public double MaxRadius { get; init; } = 0.28;

    /// <summary>A shape covered so much by later ones that less than this fraction of it shows is not drawn at all.</summary>
    public double MinVisibleFraction { get; init; } = 0.3;

    /// <summary>Nor is one with fewer visible pixels than this.</summary>
    public int MinVisiblePixels { get; init; } = 20;

    public void Validate()
    {
        if (ImageSize is < 16 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, "The image size must be between 16 and 4096 pixels.");
        }
        if (Classes.Count == 0 || Classes.Distinct().Count() != Classes.Count)
        {
            throw new ArgumentException("Give at least one class, each once.", nameof(Classes));
        }
        if (MinShapesPerImage < 0 || MaxShapesPerImage < MinShapesPerImage)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxShapesPerImage), "Shapes per image: need 0 <= min <= max.");
        }
        if (MinRadius <= 0 || MaxRadius < MinRadius || MaxRadius > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRadius), "Radius fractions: need 0 < min <= max <= 1.");
        }
    }
}
