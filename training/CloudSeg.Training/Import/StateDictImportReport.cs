namespace CloudSeg.Training.Import;

/// <summary>A parameter or buffer whose stored shape differs from the model's; it keeps the model's own values.</summary>
public sealed record ShapeMismatch(string Name, long[] ModelShape, long[] StoredShape)
{
    public override string ToString() => $"{Name}: model [{string.Join(",", ModelShape)}], file [{string.Join(",", StoredShape)}]";
}

/// <summary>
/// What happened when a state dict was loaded by name: which model entries were copied, which the file lacks (they
/// keep their initial values), which file entries the model has no place for, and which differ in shape (typically
/// the class-specific predictor layers when fine-tuning on a different set of classes).
/// </summary>
public sealed record StateDictImportReport(
    IReadOnlyList<string> Loaded,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<ShapeMismatch> Mismatched)
{
    /// <summary>Every model entry came from the file and the file held nothing else.</summary>
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0 && Mismatched.Count == 0;

    public override string ToString()
    {
        var lines = new List<string> { $"loaded {Loaded.Count}, missing {Missing.Count}, unexpected {Unexpected.Count}, shape mismatches {Mismatched.Count}" };
        lines.AddRange(Missing.Select(n => $"  missing: {n}"));
        lines.AddRange(Unexpected.Select(n => $"  unexpected: {n}"));
        lines.AddRange(Mismatched.Select(m => $"  shape mismatch: {m}"));
        return string.Join(Environment.NewLine, lines);
    }
}
