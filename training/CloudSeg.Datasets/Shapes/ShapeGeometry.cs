using SkiaSharp;

namespace CloudSeg.Datasets.Shapes;

/// <summary>One placed shape: kind, centre, radius (centre to its farthest point; half the long side of a rectangle), rotation and, for ellipses and rectangles, the short/long ratio.</summary>
public sealed record ShapeGeometry(ShapeKind Kind, float CenterX, float CenterY, float Radius, float RotationRadians, float Aspect)
{
    public SKPath ToPath()
    {
        var path = new SKPath();
        switch (Kind)
        {
            case ShapeKind.Circle:
                path.AddCircle(CenterX, CenterY, Radius);
                break;
            case ShapeKind.Ellipse:
                path.AddOval(new SKRect(CenterX - Radius, CenterY - Radius * Aspect, CenterX + Radius, CenterY + Radius * Aspect));
                path.Transform(SKMatrix.CreateRotation(RotationRadians, CenterX, CenterY));
                break;
            case ShapeKind.Rectangle:
                path.AddRect(new SKRect(CenterX - Radius, CenterY - Radius * Aspect, CenterX + Radius, CenterY + Radius * Aspect));
                path.Transform(SKMatrix.CreateRotation(RotationRadians, CenterX, CenterY));
                break;
            case ShapeKind.Square:
                AddRegularPolygon(path, 4, Radius, innerRadius: null);
                break;
            case ShapeKind.Triangle:
                AddRegularPolygon(path, 3, Radius, innerRadius: null);
                break;
            case ShapeKind.Hexagon:
                AddRegularPolygon(path, 6, Radius, innerRadius: null);
                break;
            case ShapeKind.Star:
                AddRegularPolygon(path, 5, Radius, innerRadius: Radius * 0.45f);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null);
        }
        return path;
    }

    /// <summary>A regular polygon, or a star when an inner radius alternates with the outer one.</summary>
    private void AddRegularPolygon(SKPath path, int corners, float radius, float? innerRadius)
    {
        var points = innerRadius is null ? corners : corners * 2;
        for (var i = 0; i < points; i++)
        {
            var r = innerRadius is { } inner && i % 2 == 1 ? inner : radius;
            var angle = RotationRadians + i * 2 * MathF.PI / points;
            var point = new SKPoint(CenterX + r * MathF.Cos(angle), CenterY + r * MathF.Sin(angle));
            if (i == 0)
            {
                path.MoveTo(point);
            }
            else
            {
                path.LineTo(point);
            }
        }
        path.Close();
    }
}
