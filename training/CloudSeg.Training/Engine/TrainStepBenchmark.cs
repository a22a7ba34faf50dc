using System.Diagnostics;
using CloudSeg.Datasets;
using CloudSeg.Datasets.Shapes;
using CloudSeg.Evaluation.Coco;
using CloudSeg.Training.Detection;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;

namespace CloudSeg.Training.Engine;

/// <summary>
/// Times full training steps (forward, six losses, backward, clipping, SGD update) of a model on shapes images
/// drawn in memory, the way a real run trains: the benchmark behind docs/benchmarks.md ("Training").
/// </summary>
public static class TrainStepBenchmark
{
    /// <returns>Milliseconds of each timed step (after <paramref name="warmupSteps"/> untimed ones).</returns>
    public static IReadOnlyList<double> Run(MaskRcnnOptions modelOptions, int imageSize, int batchSize, int steps,
        int warmupSteps, int threads, IProgress<int>? progress = null)
    {
        if (threads > 0) set_num_threads(threads);
        NativeHeap.KeepFreedMemory();   // as Trainer does: the benchmark times the steps a real run takes
        var shapes = new ShapesOptions { ImageSize = imageSize };
        var generator = new ShapesGenerator(shapes);
        var categories = new CategoryMap(shapes.Classes.Select((kind, i) => new CocoCategory { Id = i + 1, Name = kind.CategoryName() }));
        var batches = Enumerable.Range(0, 2).Select(b => Enumerable.Range(0, batchSize).Select(i =>
        {
            var image = generator.Generate(generator.ImageSeed(0, b * batchSize + i));
            return PreparedSample.From(image.Image, image.Instances, categories);
        }).ToArray()).ToArray();

        manual_seed(1);
        using var model = new MaskRcnn(modelOptions with { NumClasses = categories.Categories.Count + 1 });
        model.train();
        var trainerOptions = new TrainerOptions { LearningRate = 0.001 };
        var trainer = new Trainer(trainerOptions, NullLogger<Trainer>.Instance);
        var trainable = model.parameters().Where(p => p.requires_grad).ToArray();
        using var optimizer = optim.SGD(trainable, trainerOptions.LearningRate, momentum: trainerOptions.Momentum,
            weight_decay: trainerOptions.WeightDecay);

        var timings = new List<double>();
        for (int step = 0; step < warmupSteps + steps; step++)
        {
            var clock = Stopwatch.StartNew();
            trainer.TrainStep(model, optimizer, trainable, batches[step % batches.Length], trainerOptions.LearningRate);
            if (step >= warmupSteps) timings.Add(clock.Elapsed.TotalMilliseconds);
            progress?.Report(step + 1);
        }
        return timings;
    }
}
