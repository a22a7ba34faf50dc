using CloudSeg.Datasets;

namespace CloudSeg.Training.Engine;

/// <summary>
/// What must hold before any step is taken, so a bad dataset fails the run at once with a reason instead of training a
/// model that cannot be judged: images to train on, an instance of every category (a class never seen gets a head
/// row that never learns), and a validation split with the same categories (the AP would compare other classes).
/// </summary>
public static class DatasetChecks
{
    public static void ThrowIfUnfit(InstanceDataset train, InstanceDataset? validation)
    {
        if (train.Count == 0) throw new InvalidDataException($"The training data at {train.Location} lists no images.");
        var counts = train.Coco.Annotations.GroupBy(a => a.CategoryId).ToDictionary(g => g.Key, g => g.Count());
        var empty = train.Categories.Categories.Where(c => !counts.ContainsKey(c.Id)).Select(c => $"'{c.Name}' (id {c.Id})").ToList();
        if (empty.Count > 0)
            throw new InvalidDataException($"The training data at {train.Location} has no instances of {string.Join(", ", empty)}; " +
                "label some or remove the category.");
        if (validation is null) return;
        if (validation.Count == 0) throw new InvalidDataException($"The validation data at {validation.Location} lists no images.");
        var trainClasses = train.Categories.Categories.Select(c => (c.Id, c.Name));
        var validationClasses = validation.Categories.Categories.Select(c => (c.Id, c.Name));
        if (!trainClasses.SequenceEqual(validationClasses))
            throw new InvalidDataException(
                $"The validation categories ({Describe(validation)}) differ from the training categories ({Describe(train)}).");
    }

    private static string Describe(InstanceDataset dataset) =>
        string.Join(", ", dataset.Categories.Categories.Select(c => $"{c.Id}:{c.Name}"));
}
