namespace CloudSeg.Cli.Segmenting;

/// <summary>One input image and the file stem its outputs are named after (unique within a run).</summary>
public sealed record ImageJob(int ImageId, string Path, string Stem)
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
        { ".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif" };

    /// <summary>Files as given (even ones that turn out not to be images, so they get an error line), directories as
    /// the image files directly inside them, in name order. Stems that repeat get "-2", "-3"… so no output is overwritten.</summary>
    public static IReadOnlyList<ImageJob> Expand(IEnumerable<string> inputs)
    {
        var paths = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
                paths.AddRange(Directory.EnumerateFiles(input)
                    .Where(f => ImageExtensions.Contains(System.IO.Path.GetExtension(f)))
                    .Order(StringComparer.Ordinal));
            else
                paths.Add(input);
        }

        var used = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        return paths.Select((path, index) =>
        {
            var stem = System.IO.Path.GetFileNameWithoutExtension(path);
            var seen = used.GetValueOrDefault(stem);
            used[stem] = seen + 1;
            return new ImageJob(index + 1, path, seen == 0 ? stem : $"{stem}-{seen + 1}");
        }).ToList();
    }
}
