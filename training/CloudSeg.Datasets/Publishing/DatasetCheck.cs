using CloudSeg.Evaluation.Coco;

namespace CloudSeg.Datasets.Publishing;

/// <summary>
/// The outcome of <see cref="DatasetValidator"/> for one dataset folder: every problem that makes it unusable
/// (<see cref="Errors"/>) and every oddity worth knowing (<see cref="Warnings"/>, e.g. a category with no instances).
/// <see cref="Coco"/> is null when the annotations file could not be read at all.
/// </summary>
public sealed record DatasetCheck(
    string Folder,
    CocoDataset? Coco,
    IReadOnlyList<string> Errors,
    IReadOnlyList<string> Warnings)
{
    public bool IsValid => Coco is not null && Errors.Count == 0;

    public string AnnotationsPath => Path.Combine(Folder, Evaluation.Sources.FolderDatasetSource.AnnotationsFileName);

    public string ImagesFolder => Path.Combine(Folder, Evaluation.Sources.FolderDatasetSource.ImagesFolderName);
}
