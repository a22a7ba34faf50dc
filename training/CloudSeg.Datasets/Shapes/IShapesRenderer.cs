namespace CloudSeg.Datasets.Shapes;

/// <summary>Draws the pictures of a shapes dataset: <see cref="ShapesGenerator"/> (the training set's look) or
/// <see cref="Wild.WildShapesRenderer"/> (a second, independently written look for generalisation tests).</summary>
public interface IShapesRenderer
{
    /// <summary>The classes, in category-id order (ids 1..N).</summary>
    IReadOnlyList<ShapeKind> Classes { get; }

    /// <summary>Picture <paramref name="index"/> of split <paramref name="splitNumber"/>; the same arguments give the same picture.</summary>
    ShapesImage Render(int splitNumber, int index);
}
