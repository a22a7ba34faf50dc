namespace CloudSeg.Datasets.Shapes;

/// <summary>The object classes the synthetic shapes dataset can draw; the category name is the lower-case kind name.</summary>
public enum ShapeKind
{
    Circle,
    Square,
    Triangle,
    Star,
    Hexagon,
    Ellipse,
    Rectangle,
}

public static class ShapeKinds
{
    public static string CategoryName(this ShapeKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Parses a category name ("circle", "star", ...), case-insensitively.</summary>
    public static ShapeKind Parse(string name) =>
        Enum.TryParse<ShapeKind>(name.Trim(), ignoreCase: true, out var kind) && Enum.IsDefined(kind)
            ? kind
            : throw new ArgumentException($"Unknown shape '{name}'. Known shapes: {string.Join(", ", Enum.GetValues<ShapeKind>().Select(CategoryName))}.");
}
