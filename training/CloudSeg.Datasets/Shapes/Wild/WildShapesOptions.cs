namespace CloudSeg.Datasets.Shapes.Wild;

/// <summary>
/// How <see cref="WildShapesRenderer"/> draws: pictures unlike the training set's square 128 px ones — other sizes and
/// aspect ratios, more and smaller shapes. The same options and seed always give byte-identical images.
/// </summary>
public sealed record WildShapesOptions
{
    public int Seed { get; init; } = 1;

    /// <summary>The classes, in category-id order (ids 1..N): the default model's four.</summary>
    public IReadOnlyList<ShapeKind> Classes { get; init; } = [ShapeKind.Circle, ShapeKind.Square, ShapeKind.Triangle, ShapeKind.Star];

    /// <summary>Picture sizes (width × height), one drawn at random per picture.</summary>
    public IReadOnlyList<(int Width, int Height)> Sizes { get; init; } = [(256, 256), (320, 240), (240, 320), (192, 192)];

    public int MinShapesPerImage { get; init; } = 3;

    public int MaxShapesPerImage { get; init; } = 8;

    /// <summary>Shape radius range as fractions of the picture's short side (the training set draws 0.08–0.28).</summary>
    public double MinRadius { get; init; } = 0.06;

    public double MaxRadius { get; init; } = 0.18;

    /// <summary>Samples per pixel side for anti-aliased edges (4 = 16 coverage samples per pixel).</summary>
    public int Supersampling { get; init; } = 4;

    /// <summary>A shape showing less than this fraction of itself (or fewer pixels than <see cref="MinVisiblePixels"/>) is not drawn.</summary>
    public double MinVisibleFraction { get; init; } = 0.4;

    public int MinVisiblePixels { get; init; } = 30;

    public void Validate()
    {
        if (Classes.Count == 0 || Classes.Distinct().Count() != Classes.Count)
            throw new ArgumentException("Give at least one class, each once.", nameof(Classes));
        foreach (var kind in Classes.Where(k => !WildShapeGeometry.Draws(k)))
            throw new ArgumentException($"The wild renderer draws {string.Join(", ", WildShapeGeometry.Kinds.Select(k => k.CategoryName()))}, not {kind.CategoryName()}.", nameof(Classes));
        if (Sizes.Count == 0 || Sizes.Any(s => s.Width is < 16 or > 4096 || s.Height is < 16 or > 4096))
            throw new ArgumentOutOfRangeException(nameof(Sizes), "Give at least one size, each side 16–4096 pixels.");
        if (MinShapesPerImage < 0 || MaxShapesPerImage < MinShapesPerImage)
            throw new ArgumentOutOfRangeException(nameof(MaxShapesPerImage), "Shapes per image: need 0 <= min <= max.");
        if (MinRadius <= 0 || MaxRadius < MinRadius || MaxRadius > 1)
            throw new ArgumentOutOfRangeException(nameof(MaxRadius), "Radius fractions: need 0 < min <= max <= 1.");
        if (Supersampling is < 1 or > 16)
            throw new ArgumentOutOfRangeException(nameof(Supersampling), Supersampling, "Supersampling must be 1–16.");
    }
}
