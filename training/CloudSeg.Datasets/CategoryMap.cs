using CloudSeg.Evaluation.Coco;

namespace CloudSeg.Datasets;

/// <summary>
/// Maps COCO category ids (any integers) to the contiguous labels a model predicts: 0 is background, then 1..N in
/// ascending category-id order.
/// </summary>
public sealed class CategoryMap
{
    private readonly Dictionary<int, int> labelByCategoryId;

    public CategoryMap(IEnumerable<CocoCategory> categories)
    {
        Categories = categories.OrderBy(c => c.Id).ToArray();
        if (Categories.Select(c => c.Id).Distinct().Count() != Categories.Count)
        {
            throw new InvalidDataException("Category ids must be unique.");
        }
        labelByCategoryId = Categories.Select((c, i) => (c.Id, Label: i + 1)).ToDictionary(p => p.Id, p => p.Label);
    }

    /// <summary>The categories in label order (label = index + 1).</summary>
    public IReadOnlyList<CocoCategory> Categories { get; }

    /// <summary>Class names by label, "__background__" first, as a model card lists them.</summary>
    public IReadOnlyList<string> ClassNames => ["__background__", .. Categories.Select(c => c.Name)];

    public int Label(int categoryId) =>
        labelByCategoryId.TryGetValue(categoryId, out var label)
            ? label
            : throw new InvalidDataException($"Category id {categoryId} is not in the dataset's categories.");

    public int CategoryId(int label) => Categories[label - 1].Id;
}
