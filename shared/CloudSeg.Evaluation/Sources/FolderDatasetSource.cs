using CloudSeg.Evaluation.Coco;

namespace CloudSeg.Evaluation.Sources;

/// <summary>A COCO dataset on the local file system: an annotations JSON file and a folder of images.</summary>
public sealed class FolderDatasetSource : IDatasetSource
{
    /// <summary>The annotations file name inside a split folder, as <c>cloudseg shapes</c> writes it.</summary>
    public const string AnnotationsFileName = "annotations.json";

    /// <summary>The images folder inside a split folder.</summary>
    public const string ImagesFolderName = "images";

    private readonly string imagesDirectory;

    public FolderDatasetSource(string annotationsPath, string imagesDirectory)
    {
        AnnotationsPath = Path.GetFullPath(annotationsPath);
        this.imagesDirectory = Path.GetFullPath(imagesDirectory);
    }

    public string AnnotationsPath { get; }

    public string Location => AnnotationsPath;

    /// <summary>
    /// Opens a split folder (<c>annotations.json</c> + <c>images/</c>) or an annotations file whose images lie in an
    /// <c>images/</c> folder beside it, or else beside the file itself.
    /// </summary>
    public static FolderDatasetSource Open(string path)
    {
        if (Directory.Exists(path))
        {
            var annotations = Path.Combine(path, AnnotationsFileName);
            if (!File.Exists(annotations))
            {
                throw new FileNotFoundException($"No {AnnotationsFileName} in the dataset folder {path}.", annotations);
            }
            return new FolderDatasetSource(annotations, Path.Combine(path, ImagesFolderName));
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Dataset not found: {path}.", path);
        }
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var images = Path.Combine(folder, ImagesFolderName);
        return new FolderDatasetSource(path, Directory.Exists(images) ? images : folder);
    }

    public Task<CocoDataset> ReadAnnotationsAsync(CancellationToken cancellationToken = default) =>
        CocoDatasetJson.ReadFileAsync(AnnotationsPath, cancellationToken);

    public async Task<byte[]> ReadImageAsync(string fileName, CancellationToken cancellationToken = default)
    {
        var path = Path.GetFullPath(Path.Combine(imagesDirectory, fileName));
        // file_name comes from a data file: never let it reach outside the images folder.
        if (!path.StartsWith(imagesDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Image file name '{fileName}' points outside the images folder.");
        }
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Image '{fileName}' not found in {imagesDirectory}.", path);
        }
        return await File.ReadAllBytesAsync(path, cancellationToken);
    }
}
