using System.Text.Json.Nodes;
using CloudSeg.Datasets.Publishing;

namespace CloudSeg.Datasets.Tests.Publishing;

/// <summary>Hostile datasets are refused with every problem named; a good one passes, with warnings for oddities.</summary>
public sealed class DatasetValidatorTests
{
    [Fact]
    public async Task A_generated_shapes_split_is_valid()
    {
        using var folder = await DatasetFolder.CreateAsync();

        var check = await DatasetValidator.CheckFolderAsync(folder.Path);

        Assert.True(check.IsValid, string.Join("\n", check.Errors));
        Assert.Equal(3, check.Coco!.Images.Count);
    }

    [Theory]
    [InlineData("../annotations.json")]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("a/./b.png")]
    [InlineData("sub\\..\\x.png")]
    public async Task File_names_that_leave_the_images_folder_are_refused(string fileName)
    {
        using var folder = await DatasetFolder.CreateAsync();
        await folder.EditAsync(json => json["images"]![0]!["file_name"] = fileName);

        var check = await DatasetValidator.CheckFolderAsync(folder.Path);

        Assert.False(check.IsValid);
        Assert.Contains(check.Errors, e => e.Contains($"'{fileName}'") && e.Contains("file name"));
    }

    [Fact]
    public async Task Missing_and_corrupt_images_are_each_named()
    {
        using var folder = await DatasetFolder.CreateAsync();
        File.Delete(folder.ImagePath("000001.png"));
        var png = await File.ReadAllBytesAsync(folder.ImagePath("000002.png"));
        await File.WriteAllBytesAsync(folder.ImagePath("000002.png"), png[..(png.Length / 2)]);
        await File.WriteAllTextAsync(folder.ImagePath("000003.png"), "<html>not a picture</html>");

        var check = await DatasetValidator.CheckFolderAsync(folder.Path);

        Assert.False(check.IsValid);
        Assert.Contains(check.Errors, e => e.Contains("'000001.png'") && e.Contains("does not exist"));
        Assert.Contains(check.Errors, e => e.Contains("'000002.png'") && e.Contains("truncated"));
        Assert.Contains(check.Errors, e => e.Contains("'000003.png'") && e.Contains("not an image"));
    }

    [Fact]
    public async Task Boxes_polygons_and_rles_outside_the_image_are_refused()
    {
        using var folder = await DatasetFolder.CreateAsync();
        await folder.EditAsync(json =>
        {
            var annotations = json["annotations"]!.AsArray();
            annotations[0]!["bbox"] = new JsonArray(50, 50, 30, 10);
            annotations[1]!["segmentation"] = new JsonArray(new JsonArray(1, 1, 90, 1, 1, 20));
            annotations[2]!["segmentation"]!["size"] = new JsonArray(32, 32);
        });

        var check = await DatasetValidator.CheckFolderAsync(folder.Path);
        var ids = check.Coco!.Annotations.Take(3).Select(a => a.Id).ToArray();

        Assert.Contains(check.Errors, e => e.StartsWith($"annotation {ids[0]} ") && e.Contains("bbox [50, 50, 30, 10] reaches outside the image"));
        Assert.Contains(check.Errors, e => e.StartsWith($"annotation {ids[1]} ") && e.Contains("polygon point (90, 1) lies outside the image"));
        Assert.Contains(check.Errors, e => e.StartsWith($"annotation {ids[2]} ") && e.Contains("RLE size 32x32 differs from the image size 64x64"));
    }

    [Fact]
    public async Task Duplicate_ids_unnamed_categories_and_dangling_references_are_refused()
    {
        using var folder = await DatasetFolder.CreateAsync();
        await folder.EditAsync(json =>
        {
            json["images"]![1]!["id"] = json["images"]![0]!["id"]!.GetValue<long>();
            var annotations = json["annotations"]!.AsArray();
            annotations[1]!["id"] = annotations[0]!["id"]!.GetValue<long>();
            annotations[2]!["category_id"] = 99;
            var categories = json["categories"]!.AsArray();
            categories[1]!["name"] = " ";
            categories[2]!["id"] = categories[0]!["id"]!.GetValue<int>();
        });

        var check = await DatasetValidator.CheckFolderAsync(folder.Path);

        Assert.Contains("image id 1 is used more than once.", check.Errors);
        Assert.Contains("annotation id 1 is used more than once.", check.Errors);
        Assert.Contains(check.Errors, e => e.Contains("category 99 is not in the categories"));
        Assert.Contains("category 2 has no name.", check.Errors);
        Assert.Contains("category id 1 is used more than once.", check.Errors);
    }

    [Fact]
    public async Task A_category_without_instances_is_a_warning_not_a_refusal()
    {
        using var folder = await DatasetFolder.CreateAsync();
        await folder.EditAsync(json => json["categories"]!.AsArray().Add(new JsonObject { ["id"] = 9, ["name"] = "hexagon" }));

        var check = await DatasetValidator.CheckFolderAsync(folder.Path);

        Assert.True(check.IsValid, string.Join("\n", check.Errors));
        Assert.Contains("category 9 'hexagon' has no instances in this split.", check.Warnings);
    }

    [Fact]
    public async Task Unreadable_annotations_and_a_missing_images_folder_are_clear_errors()
    {
        using var folder = await DatasetFolder.CreateAsync();
        await File.WriteAllTextAsync(folder.AnnotationsPath, "{\"images\": [");
        var broken = await DatasetValidator.CheckFolderAsync(folder.Path);
        Directory.Delete(Path.Combine(folder.Path, "images"), recursive: true);
        var noImages = await DatasetValidator.CheckFolderAsync(folder.Path);

        Assert.Null(broken.Coco);
        Assert.StartsWith("annotations.json: Not a valid COCO annotations file", Assert.Single(broken.Errors));
        Assert.Contains(noImages.Errors, e => e.EndsWith("has no images/ folder."));
    }
}
