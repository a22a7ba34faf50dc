using CloudSeg.Evaluation.Sources;

namespace CloudSeg.Evaluation.Tests;

public sealed class FolderDatasetSourceTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("cloudseg-source-").FullName;

    [Fact]
    public async Task Opens_a_split_folder_and_reads_images_by_file_name()
    {
        Directory.CreateDirectory(Path.Combine(root, "images"));
        await File.WriteAllTextAsync(Path.Combine(root, "annotations.json"), """{"images": [{"id": 1, "file_name": "a.png", "width": 1, "height": 1}]}""");
        await File.WriteAllBytesAsync(Path.Combine(root, "images", "a.png"), [1, 2, 3]);

        var source = FolderDatasetSource.Open(root);

        Assert.Equal("a.png", (await source.ReadAnnotationsAsync()).Images.Single().FileName);
        Assert.Equal(new byte[] { 1, 2, 3 }, await source.ReadImageAsync("a.png"));
    }

    [Fact]
    public async Task An_annotations_file_without_an_images_folder_reads_images_beside_it()
    {
        var annotations = Path.Combine(root, "instances.json");
        await File.WriteAllTextAsync(annotations, "{}");
        await File.WriteAllBytesAsync(Path.Combine(root, "b.jpg"), [9]);

        var source = FolderDatasetSource.Open(annotations);

        Assert.Equal(new byte[] { 9 }, await source.ReadImageAsync("b.jpg"));
    }

    [Fact]
    public async Task File_names_cannot_escape_the_images_folder()
    {
        Directory.CreateDirectory(Path.Combine(root, "images"));
        await File.WriteAllTextAsync(Path.Combine(root, "secret.txt"), "no");
        var source = new FolderDatasetSource(Path.Combine(root, "annotations.json"), Path.Combine(root, "images"));

        await Assert.ThrowsAsync<InvalidDataException>(() => source.ReadImageAsync("../secret.txt"));
        await Assert.ThrowsAsync<InvalidDataException>(() => source.ReadImageAsync("/etc/passwd"));
    }

    [Fact]
    public async Task Missing_things_are_reported_by_name()
    {
        Assert.Throws<FileNotFoundException>(() => FolderDatasetSource.Open(root));
        var source = new FolderDatasetSource(Path.Combine(root, "annotations.json"), root);

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => source.ReadImageAsync("missing.png"));
        Assert.Contains("missing.png", error.Message);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
