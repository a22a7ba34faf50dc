namespace CloudSeg.Datasets.Shapes.Wild;

/// <summary>
/// A shape as an inside test, so the wild renderer needs no drawing library: a disk, or a polygon (square, triangle,
/// five-pointed star with a random inner radius) tested by the even–odd crossing rule.
/// </summary>
internal sealed class WildShapeGeometry
{
    public static readonly ShapeKind[] Kinds = [ShapeKind.Circle, ShapeKind.Square, ShapeKind.Triangle, ShapeKind.Star];

    private readonly float _cx, _cy, _radius;
    private readonly (float X, float Y)[]? _polygon;

    public WildShapeGeometry(ShapeKind kind, float cx, float cy, float radius, float rotation, float starInnerRatio)
    {
        (_cx, _cy, _radius) = (cx, cy, radius);
        _polygon = kind switch
        {
            ShapeKind.Circle => null,
            ShapeKind.Square => Polygon(4, radius, radius, rotation),
            ShapeKind.Triangle => Polygon(3, radius, radius, rotation),
            ShapeKind.Star => Polygon(10, radius, radius * starInnerRatio, rotation),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "The wild renderer does not draw this shape."),
        };
    }

    public static bool Draws(ShapeKind kind) => Kinds.Contains(kind);

    /// <summary>Pixel bounds that hold the whole shape, clipped to the picture.</summary>
    public (int X0, int Y0, int X1, int Y1) Bounds(int width, int height) => (
        Math.Max(0, (int)MathF.Floor(_cx - _radius)), Math.Max(0, (int)MathF.Floor(_cy - _radius)),
        Math.Min(width, (int)MathF.Ceiling(_cx + _radius) + 1), Math.Min(height, (int)MathF.Ceiling(_cy + _radius) + 1));

    public bool Contains(float x, float y)
    {
        if (_polygon is null) return (x - _cx) * (x - _cx) + (y - _cy) * (y - _cy) <= _radius * _radius;
        var inside = false;
        for (int i = 0, j = _polygon.Length - 1; i < _polygon.Length; j = i++)
        {
            var (xi, yi) = _polygon[i];
            var (xj, yj) = _polygon[j];
            if (yi > y != yj > y && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
        }
        return inside;
    }

    /// <summary>Corners alternating between the outer and the inner radius (equal for regular polygons).</summary>
    private (float X, float Y)[] Polygon(int corners, float outer, float inner, float rotation) =>
        Enumerable.Range(0, corners).Select(i =>
        {
            var r = i % 2 == 0 ? outer : inner;
            var angle = rotation + i * 2 * MathF.PI / corners;
            return (_cx + r * MathF.Cos(angle), _cy + r * MathF.Sin(angle));
        }).ToArray();
}
