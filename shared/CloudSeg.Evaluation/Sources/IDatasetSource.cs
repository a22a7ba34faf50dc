using CloudSeg.Evaluation.Coco;

namespace CloudSeg.Evaluation.Sources;

/// <summary>
/// Where a COCO dataset lives: one annotations file plus the images it names. The trainer and the CLI read datasets
/// only through this, so a local folder and a blob container are interchangeable.
/// </summary>
public interface IDatasetSource
{
    /// <summary>Human-readable location, for logs and error messages.</summary>
    string Location { get; }

    Task<CocoDataset> ReadAnnotationsAsync(CancellationToken cancellationToken = default);

    /// <summary>The encoded bytes of one image, by the annotations' <c>file_name</c>.</summary>
    /// <exception cref="FileNotFoundException">The image does not exist in the source.</exception>
    Task<byte[]> ReadImageAsync(string fileName, CancellationToken cancellationToken = default);
}
