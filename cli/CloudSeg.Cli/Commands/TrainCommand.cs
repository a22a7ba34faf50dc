using System.CommandLine;
using System.Globalization;
using CloudSeg.Evaluation.Metrics;
using CloudSeg.ModelCards;
using CloudSeg.Training.Backbone;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Engine;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary>
/// <c>cloudseg train</c>: trains Mask R-CNN + MaskIoU head on a COCO dataset folder, with a progress bar of the running
/// losses, checkpoints and metrics.jsonl in --out, COCO AP on --val, and a checked model package in --out/model/.
/// <c>cloudseg train bench</c>: times training steps (the benchmark of docs/benchmarks.md).
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var defaults = new TrainerOptions();
        var data = new Option<string>("--data") { Description = "Training data: a folder with annotations.json and images/ (COCO instances), or a blob container URL" };
        var val = new Option<string?>("--val") { Description = "Validation data (same forms as --data); evaluated with COCO AP after training" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for checkpoints/, metrics.jsonl, evaluation.json and model/ (the package: model.onnx, model.card.json, training weights, metrics.jsonl)" };
        var size = new Option<string>("--size") { Description = "small (CPU-sized heads, shapes) or standard (torchvision's dimensions)", DefaultValueFactory = _ => "small" };
        size.AcceptOnlyFromAmong("small", "standard");
        var architecture = new Option<string>("--arch") { Description = "Model family: mask_rcnn (two-stage, with the MaskIoU head) or yolact (one-stage, prototype masks)", DefaultValueFactory = _ => "mask_rcnn" };
        architecture.AcceptOnlyFromAmong("mask_rcnn", "yolact");
        var backbone = BackboneOption();
        var imageSize = new Option<int>("--image-size") { Description = "Short side of the resized images in pixels", DefaultValueFactory = _ => 320 };
        var maxImageSize = new Option<int?>("--max-image-size")
        {
            Description = "Cap on the long side of the resized images (default: --image-size for --size small, 1333/800 of it for standard)",
        };
        var steps = new Option<int>("--steps") { Description = "Optimiser steps (overrides --epochs)" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training data", DefaultValueFactory = _ => defaults.Epochs };
        var batchSize = new Option<int>("--batch-size") { Description = "Images per step", DefaultValueFactory = _ => defaults.BatchSize };
        var learningRate = new Option<double>("--lr") { Description = "Base learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate decay after warm-up", DefaultValueFactory = _ => "cosine" };
        schedule.AcceptOnlyFromAmong("cosine", "step");
        var warmup = new Option<int>("--warmup") { Description = "Linear warm-up steps", DefaultValueFactory = _ => defaults.WarmupSteps };
        var clipNorm = new Option<double>("--clip-norm") { Description = "Max global gradient L2 norm (0 = no clipping)", DefaultValueFactory = _ => defaults.GradientClipNorm };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Steps between checkpoints", DefaultValueFactory = _ => defaults.CheckpointEvery };
        var backboneWeights = new Option<string?>("--backbone-weights")
        {
            Description = "Start the backbone from ImageNet weights: 'imagenet' (the ResNet-18 that ships with CloudSeg) or a torchvision ResNet-18/50 .pth / .safetensors file; sets --backbone",
        };
        var trainableLayers = new Option<int>("--trainable-layers")
        {
            Description = "With --backbone-weights: how many of conv1, layer1 … layer4 train, counted from layer4 (0–5)", DefaultValueFactory = _ => 3,
        };
        var backboneStages = new Option<int>("--backbone-stages")
        {
            Description = "ResNet stages to keep: 4 (C2–C5) or 3 (C2–C4; P5 and P6 subsampled from P4, a quarter of a ResNet-18's weights)",
            DefaultValueFactory = _ => 4,
        };
        backboneStages.AcceptOnlyFromAmong("3", "4");
        var initFrom = new Option<FileInfo?>("--init-from") { Description = "Fine-tune from a torchvision Mask R-CNN state dict (.safetensors) instead of random weights" };
        var fineTuneFrom = new Option<DirectoryInfo?>("--fine-tune-from") { Description = "Fine-tune from a model package (e.g. models/default) when its architecture fits the data; else train the configured architecture" };
        var resume = new Option<DirectoryInfo?>("--resume") { Description = "Continue from a checkpoint folder, or from the newest checkpoint of an --out folder" };
        var seed = new Option<long>("--seed") { Description = "Seed for weights, data order, augmentation and sampling", DefaultValueFactory = _ => defaults.Seed };
        var threads = ThreadsOption();
        var scaleJitter = new Option<string>("--scale-jitter")
        {
            Description = "Large-scale jitter MIN,MAX: resize each picture's content by a random factor and crop or pad it back to its own size, so objects change size (1,1 = off)",
            DefaultValueFactory = _ => "1,1",
        };
        var photometric = new Option<bool>("--photometric") { Description = "SSD's photometric distortion: random brightness, contrast, saturation and hue" };
        var noise = new Option<double>("--noise") { Description = "Gaussian pixel noise on half the pictures, sigma up to this many levels of 255 (0 = off)" };

        var command = new Command("train", "Train Mask R-CNN with the MaskIoU head (or YOLACT with --arch yolact) on a COCO dataset")
        {
            data, val, output, architecture, size, backbone, imageSize, maxImageSize, steps, epochs, batchSize, learningRate, schedule, warmup,
            clipNorm, checkpointEvery, backboneWeights, trainableLayers, backboneStages, initFrom, fineTuneFrom, resume, seed, threads,
            scaleJitter, photometric, noise,
        };
        command.Subcommands.Add(CreateBench());
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(data) is not { } dataFolder || parse.GetValue(output) is not { } outFolder)
            {
                AnsiConsole.MarkupLine("[red]Error:[/] --data and --out are required.");
                return 2;
            }
            var options = defaults with
            {
                Steps = parse.GetValue(steps),
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                LearningRate = parse.GetValue(learningRate),
                Schedule = parse.GetValue(schedule) == "step" ? LearningRateScheduleKind.Step : LearningRateScheduleKind.Cosine,
                WarmupSteps = parse.GetValue(warmup),
                GradientClipNorm = parse.GetValue(clipNorm),
                CheckpointEvery = parse.GetValue(checkpointEvery),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
            };
            var request = new TrainingRequest
            {
                TrainData = dataFolder,
                ValidationData = parse.GetValue(val),
                OutputDirectory = outFolder.FullName,
                Architecture = ModelArchitectures.Parse(parse.GetValue(architecture)!),
                Size = parse.GetValue(size) == "standard" ? ModelSize.Standard : ModelSize.Small,
                Backbone = ParseBackbone(parse.GetValue(backbone)!),
                ImageSize = parse.GetValue(imageSize),
                MaxImageSize = parse.GetValue(maxImageSize),
                ResumeFrom = parse.GetValue(resume)?.FullName,
                BackboneWeights = parse.GetValue(backboneWeights),
                TrainableBackboneLayers = parse.GetValue(trainableLayers),
                BackboneStages = parse.GetValue(backboneStages),
                InitFrom = parse.GetValue(initFrom)?.FullName,
                FineTuneFrom = parse.GetValue(fineTuneFrom)?.FullName,
            };
            try
            {
                var (jitterMin, jitterMax) = ParseRange(parse.GetValue(scaleJitter)!, "--scale-jitter");
                request = request with
                {
                    Augmentation = request.Augmentation with
                    {
                        JitterMinScale = jitterMin, JitterMaxScale = jitterMax,
                        PhotometricDistortion = parse.GetValue(photometric), NoiseSigma = parse.GetValue(noise),
                    },
                };
                request.Augmentation.Validate();
                options.Validate();
                TrainingOutcome outcome = null!;
                await AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        var training = context.AddTask("Training", autoStart: true, maxValue: 1);
                        outcome = await new TrainingRun(options, NullLoggerFactory.Instance).RunAsync(request,
                            new LossesOnProgressBar(training), new FractionOnProgressBar(context, "Evaluating"), cancellationToken);
                    });
                AnsiConsole.MarkupLineInterpolated($"Initialisation: {outcome.Initialisation}");
                if (outcome.Card.Architecture == ModelArchitecture.Yolact)
                    AnsiConsole.MarkupLineInterpolated($"Model: [bold]{outcome.ModelDirectory}[/] (YOLACT: model.onnx + model.card.json, training weights, metrics.jsonl)");
                else
                    AnsiConsole.MarkupLineInterpolated($"Package: [bold]{outcome.ModelDirectory}[/] (model.onnx + model.card.json, training weights, metrics.jsonl; the graph agrees with the trained model on {outcome.Checks.Count} images)");
                if (outcome.Evaluation is { } report) AnsiConsole.Write(Summary(report));
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException
                or DirectoryNotFoundException or InvalidOperationException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Error:[/] {e.Message}");
                return 1;
            }
        });
        return command;
    }

    static Command CreateBench()
    {
        var backbone = BackboneOption("resnet50");
        var size = new Option<string>("--size") { Description = "standard (torchvision's R50-FPN dimensions) or small", DefaultValueFactory = _ => "standard" };
        size.AcceptOnlyFromAmong("small", "standard");
        var imageSize = new Option<int>("--image-size") { Description = "Square image side in pixels", DefaultValueFactory = _ => 800 };
        var batchSize = new Option<int>("--batch-size") { Description = "Images per step", DefaultValueFactory = _ => 2 };
        var steps = new Option<int>("--steps") { Description = "Timed steps", DefaultValueFactory = _ => 3 };
        var warmupSteps = new Option<int>("--warmup") { Description = "Untimed steps first", DefaultValueFactory = _ => 1 };
        var threads = ThreadsOption(2);
        var reference = new Option<double>("--reference-seconds")
        {
            Description = "Reference seconds per step to compare with (torchvision eager on this machine)", DefaultValueFactory = _ => 29,
        };
        var command = new Command("bench", "Time training steps (forward + backward + SGD) on in-memory shapes images")
        {
            backbone, size, imageSize, batchSize, steps, warmupSteps, threads, reference,
        };
        command.SetAction(parse =>
        {
            int side = parse.GetValue(imageSize);
            var request = new TrainingRequest
            {
                TrainData = "", OutputDirectory = "", ImageSize = side, Backbone = ParseBackbone(parse.GetValue(backbone)!),
                Size = parse.GetValue(size) == "small" ? ModelSize.Small : ModelSize.Standard,
            };
            // A fixed square input size, as torchvision's benchmark runs it.
            var model = TrainingRun.ModelOptions(request, numClasses: 2) with { MinSize = side, MaxSize = side };
            int total = parse.GetValue(warmupSteps) + parse.GetValue(steps);
            IReadOnlyList<double> timings = [];
            AnsiConsole.Progress().Start(context =>
            {
                var task = context.AddTask($"Training steps ({request.Backbone}, batch {parse.GetValue(batchSize)} at {side} px)", maxValue: total);
                timings = TrainStepBenchmark.Run(model, side, parse.GetValue(batchSize), parse.GetValue(steps),
                    parse.GetValue(warmupSteps), parse.GetValue(threads), new Counter(task));
            });
            double mean = timings.Average(), referenceMs = parse.GetValue(reference) * 1000;
            var table = new Table().AddColumns("", "ms / step", "× reference");
            table.AddRow("CloudSeg (TorchSharp)", Format(mean), Format(mean / referenceMs, "F2"));
            table.AddRow("torchvision eager (reference)", Format(referenceMs), "1.00");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"Steps: {string.Join(", ", timings.Select(t => Format(t)))} ms; threads {parse.GetValue(threads)}");
            return 0;
        });
        return command;
    }

    /// <summary>"MIN,MAX" as two invariant-culture numbers, or a clear error naming the option.</summary>
    static (double Min, double Max) ParseRange(string text, string option)
    {
        var parts = text.Split(',');
        if (parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var min)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var max))
            return (min, max);
        throw new ArgumentException($"{option} takes MIN,MAX (e.g. 0.5,1.5), not '{text}'.");
    }

    static Option<string> BackboneOption(string fallback = "resnet18")
    {
        var option = new Option<string>("--backbone") { Description = "ResNet depth of the backbone", DefaultValueFactory = _ => fallback };
        option.AcceptOnlyFromAmong("resnet18", "resnet34", "resnet50", "resnet101");
        return option;
    }

    static Option<int> ThreadsOption(int fallback = 0) =>
        new("--threads") { Description = "CPU threads for TorchSharp (0 = all cores)", DefaultValueFactory = _ => fallback };

    static ResNetDepth ParseBackbone(string name) => name switch
    {
        "resnet34" => ResNetDepth.ResNet34,
        "resnet50" => ResNetDepth.ResNet50,
        "resnet101" => ResNetDepth.ResNet101,
        _ => ResNetDepth.ResNet18,
    };

    static Table Summary(EvaluationReport report)
    {
        var table = new Table().AddColumns("Validation", "AP", "AP50", "AP75");
        foreach (var column in report.Columns)
            table.AddRow(column.Name.Replace("_rescored", " × mask_iou"), Format(column.Summary.AP, "F3"),
                Format(column.Summary.AP50, "F3"), Format(column.Summary.AP75, "F3"));
        return table;
    }

    static string Format(double value, string format = "F0") => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Shows the step and smoothed losses in the bar's description (on the trainer's thread, so it never lags).</summary>
    sealed class LossesOnProgressBar(ProgressTask task) : IProgress<TrainingProgress>
    {
        const double Smoothing = 0.9;
        readonly Dictionary<string, double> _running = new();

        public void Report(TrainingProgress value)
        {
            foreach (var (name, loss) in value.Losses)
                _running[name] = _running.TryGetValue(name, out var previous) ? Smoothing * previous + (1 - Smoothing) * loss : loss;
            string Loss(string name) => _running.TryGetValue(name, out var v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "-";
            task.MaxValue = value.TotalSteps;
            task.Value = value.Step;
            task.Description = $"step {value.Step}/{value.TotalSteps} loss {_running.Values.Sum().ToString("F3", CultureInfo.InvariantCulture)} " + (_running.ContainsKey("yolact_box_loss")
                ? $"[grey](box {Loss("yolact_box_loss")} class {Loss("yolact_class_loss")} mask {Loss("yolact_mask_loss")} semantic {Loss("yolact_semantic_loss")}) lr {value.LearningRate.ToString("G3", CultureInfo.InvariantCulture)}[/]"
                : $"[grey](rpn {Loss("rpn_class_loss")}/{Loss("rpn_bbox_loss")} box {Loss("fastrcnn_class_loss")}/{Loss("fastrcnn_bbox_loss")} " +
                $"mask {Loss("maskrcnn_mask_loss")} iou {Loss("maskiou_loss")}) lr {value.LearningRate.ToString("G3", CultureInfo.InvariantCulture)}[/]");
        }
    }

    sealed class Counter(ProgressTask task) : IProgress<int>
    {
        public void Report(int value) => task.Value = value;
    }

    /// <summary>A bar that appears with the first report, so a log does not show it idle for the whole run before.</summary>
    sealed class FractionOnProgressBar(ProgressContext context, string description) : IProgress<(int Done, int Total)>
    {
        ProgressTask? _task;

        public void Report((int Done, int Total) value)
        {
            _task ??= context.AddTask(description, maxValue: value.Total);
            _task.MaxValue = value.Total;
            _task.Value = value.Done;
        }
    }
}
