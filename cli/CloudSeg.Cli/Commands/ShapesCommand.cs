using System.CommandLine;
using CloudSeg.Datasets;
using CloudSeg.Datasets.Shapes;
using CloudSeg.Datasets.Shapes.Wild;
using CloudSeg.Evaluation.Coco;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary><c>cloudseg shapes</c>: writes the synthetic shapes dataset (COCO train/val splits) to train and test on without downloads.</summary>
public static class ShapesCommand
{
    public static Command Create()
    {
        var defaults = new ShapesOptions();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write <split>/annotations.json and <split>/images/ into", Required = true };
        var train = new Option<int>("--train") { Description = "Number of training images", DefaultValueFactory = _ => 200 };
        var val = new Option<int>("--val") { Description = "Number of validation images", DefaultValueFactory = _ => 50 };
        var size = new Option<int>("--size") { Description = "Image width and height in pixels", DefaultValueFactory = _ => defaults.ImageSize };
        var seed = new Option<int>("--seed") { Description = "Seed; the same seed gives byte-identical files", DefaultValueFactory = _ => defaults.Seed };
        var classes = new Option<string>("--classes")
        {
            Description = $"Comma-separated classes, from: {string.Join(", ", Enum.GetValues<ShapeKind>().Select(k => k.CategoryName()))}",
            DefaultValueFactory = _ => string.Join(",", defaults.Classes.Select(k => k.CategoryName())),
        };
        var maxShapes = new Option<int>("--max-shapes") { Description = "Most shapes per image", DefaultValueFactory = _ => defaults.MaxShapesPerImage };
        var style = new Option<string>("--style")
        {
            Description = "classic: the training set's look (square --size pictures, 1–4 shapes); wild: a second renderer for generalisation tests " +
                "(256×256, 320×240, 240×320 and 192×192 pictures, 3–8 smaller shapes, other colours and backgrounds; --size does not apply)",
            DefaultValueFactory = _ => "classic",
        };
        style.AcceptOnlyFromAmong("classic", "wild");
        var format = new Option<string>("--format") { Description = "Image file format", DefaultValueFactory = _ => "png" };
        format.AcceptOnlyFromAmong("png", "jpg");

        var command = new Command("shapes", "Make the synthetic shapes dataset in COCO format (train and val splits)")
        {
            output, train, val, size, seed, classes, maxShapes, style, format,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var splits = new List<ShapesSplit>();
            if (parse.GetValue(train) is > 0 and var trainCount)
            {
                splits.Add(new ShapesSplit("train", trainCount));
            }
            if (parse.GetValue(val) is > 0 and var valCount)
            {
                splits.Add(new ShapesSplit("val", valCount));
            }
            bool wild = parse.GetValue(style) == "wild";
            IShapesRenderer renderer;
            try
            {
                var kinds = parse.GetValue(classes)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ShapeKinds.Parse).ToArray();
                if (wild && parse.GetResult(size) is { Implicit: false })
                    throw new ArgumentException("--size does not apply to --style wild, which draws its own picture sizes.");
                renderer = wild
                    ? new WildShapesRenderer(new WildShapesOptions
                    {
                        Seed = parse.GetValue(seed), Classes = kinds,
                        MaxShapesPerImage = parse.GetResult(maxShapes) is { Implicit: false } ? parse.GetValue(maxShapes) : new WildShapesOptions().MaxShapesPerImage,
                    })
                    : new ShapesGenerator(defaults with
                    {
                        ImageSize = parse.GetValue(size), Seed = parse.GetValue(seed), Classes = kinds, MaxShapesPerImage = parse.GetValue(maxShapes),
                    });
            }
            catch (ArgumentException e)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Error:[/] {e.Message}");
                return 2;
            }
            if (splits.Count == 0)
            {
                AnsiConsole.MarkupLine("[red]Error:[/] --train and --val are both 0: nothing to make.");
                return 2;
            }

            var directory = parse.GetValue(output)!.FullName;
            var imageFormat = parse.GetValue(format) == "jpg" ? ImageFileFormat.Jpeg : ImageFileFormat.Png;
            var writer = new ShapesDatasetWriter(renderer);
            IReadOnlyList<CocoDataset> datasets = [];
            await AnsiConsole.Progress().StartAsync(async context =>
            {
                var task = context.AddTask("Drawing shapes", maxValue: splits.Sum(s => s.ImageCount));
                datasets = await writer.WriteAsync(directory, splits, imageFormat, new ProgressBarUpdater(task), cancellationToken);
            });

            var table = new Table().AddColumns("Split", "Images", "Instances", "Annotations");
            for (var i = 0; i < splits.Count; i++)
            {
                table.AddRow(splits[i].Name, datasets[i].Images.Count.ToString(), datasets[i].Annotations.Count.ToString(),
                    Markup.Escape(Path.Combine(directory, splits[i].Name, "annotations.json")));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
