using System.CommandLine;
using CloudSeg.Training.Import;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary>
/// <c>cloudseg models pull torchvision/maskrcnn_resnet50_fpn --out DIR [--url URL | --file PATH] [--register]</c>:
/// torchvision's COCO Mask R-CNN as our model package, without Python (see <see cref="TorchvisionModelPull"/>).
/// </summary>
public static class ModelsPullCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model")
        {
            Description = $"Which weights: {string.Join(", ", TorchvisionCocoModel.Known.Select(m => m.Name))}",
        };
        var url = new Option<Uri?>("--url") { Description = "Download from this URL instead of torchvision's (a mirror); keep torchvision's file name, it carries the checksum" };
        var file = new Option<FileInfo?>("--file") { Description = "Use a .pth already downloaded (torchvision's file name, which carries the checksum)" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the download and the package (model.onnx + model.card.json)", Required = true };
        var register = new Option<bool>("--register") { Description = "Add the package to the model registry, ready to `cloudseg models promote`" };
        var connection = StorageConnection.Option();
        var command = new Command("pull", "Turn torchvision's COCO-trained Mask R-CNN into a model package (download, check, convert, export)")
        {
            model, url, file, output, register, connection,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(url) is not null && parse.GetValue(file) is not null)
            {
                CliTables.Error("models pull", "give --url or --file, not both.");
                return 2;
            }
            var request = new ModelPullRequest(parse.GetValue(model)!, parse.GetValue(output)!.FullName, parse.GetValue(url), parse.GetValue(file)?.FullName);
            ModelPullResult result;
            try
            {
                using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
                result = await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
                    .StartAsync(async context =>
                    {
                        var download = new DownloadOnProgressBar(context);
                        var pulled = await new TorchvisionModelPull(http).PullAsync(request, download, cancellationToken);
                        download.Finish();
                        return pulled;
                    });
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException
                or HttpRequestException or IOException)
            {
                CliTables.Error("models pull", e.Message);
                return 1;
            }
            AnsiConsole.MarkupLineInterpolated(
                $"Package: [bold]{result.PackageDirectory}[/] ({result.Card.Name} {result.Card.Version}, {result.Import.Loaded.Count} tensors from {Path.GetFileName(result.WeightsPath)}; COCO val2017 box AP {result.Card.Metrics?.Bbox?.Ap:F3}, mask AP {result.Card.Metrics?.Segm?.Ap:F3} as torchvision publishes)");
            if (!parse.GetValue(register)) return 0;
            return await StorageConnection.RunAsync("models pull", parse.GetValue(connection), async storage =>
            {
                // A fresh storage account has no models container yet: registering is often the first thing done with it.
                await storage.EnsureCreatedAsync(cancellationToken);
                await storage.Registry.UploadAsync(result.Card.Version, result.PackageDirectory, cancellationToken);
                AnsiConsole.MarkupLineInterpolated($"Registered [bold]{result.Card.Version}[/]; make it current with `cloudseg models promote {result.Card.Version}`.");
                return 0;
            });
        });
        return command;
    }

    /// <summary>A download bar that appears with the first byte (a --file pull never shows one).</summary>
    private sealed class DownloadOnProgressBar(ProgressContext context) : IProgress<(long Done, long? Total)>
    {
        private ProgressTask? _task;

        public void Report((long Done, long? Total) value)
        {
            _task ??= context.AddTask("Downloading", maxValue: value.Total ?? double.MaxValue);
            if (value.Total is { } total) _task.MaxValue = total;
            _task.Value = value.Done;
        }

        public void Finish() => _task?.StopTask();
    }
}
