using CloudSeg.Core.Imaging;
using CloudSeg.Datasets;
using CloudSeg.Datasets.Augmentation;
using CloudSeg.Training.Detection;
using static TorchSharp.torch;

namespace CloudSeg.Training.Engine;

/// <summary>
/// Feeds a training run: shuffles the dataset per epoch, augments each picture (flip, scale jitter), and converts
/// samples to the model's inputs — (3, H, W) float images in [0, 1] and <see cref="DetectionTarget"/>s.
/// Every random choice is a pure function of (seed, epoch, sample), so the batch of any step can be rebuilt after
/// a resume without saving loader state. Crowd regions are left out of training, as torchvision's references do.
/// Decoding runs off the training thread (<see cref="ReadBatchAsync"/>); tensors are made on the caller's thread.
/// </summary>
public sealed class DetectionDataLoader : ITrainingBatches
{
    readonly InstanceDataset _dataset;
    readonly AugmentationOptions? _augmentation;
    readonly long _seed;

    public DetectionDataLoader(InstanceDataset dataset, int batchSize, long seed, AugmentationOptions? augmentation)
    {
        if (dataset.Count == 0) throw new InvalidDataException($"The dataset at {dataset.Location} has no images.");
        augmentation?.Validate();
        (_dataset, BatchSize, _seed, _augmentation) = (dataset, batchSize, seed, augmentation);
    }

    public int BatchSize { get; }

    public string? Augmentation => _augmentation?.Describe();

    /// <summary>Batches per epoch; the last one may be smaller.</summary>
    public int BatchesPerEpoch => (_dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>Decoded, augmented samples of the batch used at <paramref name="step"/> (0-based).</summary>
    public async Task<IReadOnlyList<PreparedSample>> ReadBatchAsync(int step, CancellationToken cancellationToken)
    {
        int epoch = step / BatchesPerEpoch, position = step % BatchesPerEpoch;
        int[] order = Shuffle(epoch);
        var indices = order.Skip(position * BatchSize).Take(BatchSize).ToArray();
        var samples = new PreparedSample[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            var sample = await _dataset.ReadSampleAsync(indices[i], cancellationToken);
            if (_augmentation is not null)
            {
                var random = new Random(unchecked((int)(_seed * 1_000_003 + epoch * 7_919 + indices[i])));
                sample = AugmentationPlan.Sample(_augmentation, random).Apply(sample);
            }
            samples[i] = PreparedSample.From(sample, _dataset.Categories);
        }
        return samples;
    }

    int[] Shuffle(int epoch)
    {
        var random = new Random(unchecked((int)(_seed * 31 + epoch)));
        int[] order = Enumerable.Range(0, _dataset.Count).ToArray();
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>Model inputs of a batch, created in the caller's dispose scope.</summary>
    public static (Tensor[] Images, DetectionTarget[] Targets) ToTensors(IReadOnlyList<PreparedSample> samples) =>
        (samples.Select(s => s.ImageTensor()).ToArray(), samples.Select(s => s.Target()).ToArray());
}

/// <summary>One training picture as plain arrays: CHW float pixels in [0, 1], boxes, labels and row-major masks.</summary>
public sealed record PreparedSample(int Height, int Width, float[] Pixels, float[] Boxes, long[] Labels, byte[] Masks)
{
    public static PreparedSample From(DatasetSample sample, CategoryMap categories) =>
        From(sample.Image, sample.Instances, categories);

    public static PreparedSample From(RgbImage image, IReadOnlyList<InstanceAnnotation> annotations, CategoryMap categories)
    {
        int planeSize = image.Width * image.Height;
        var pixels = new float[3 * planeSize];
        for (int p = 0; p < planeSize; p++)
            for (int c = 0; c < 3; c++)
                pixels[c * planeSize + p] = image.Pixels[3 * p + c] / 255f;

        var instances = annotations.Where(i => !i.IsCrowd).ToArray();
        var masks = new byte[instances.Length * planeSize];
        for (int i = 0; i < instances.Length; i++) instances[i].Mask.Decode().CopyTo(masks, i * planeSize);
        return new PreparedSample(image.Height, image.Width, pixels,
            instances.SelectMany(i => new[] { i.Box.X1, i.Box.Y1, i.Box.X2, i.Box.Y2 }).ToArray(),
            instances.Select(i => (long)categories.Label(i.CategoryId)).ToArray(),
            masks);
    }

    public Tensor ImageTensor() => tensor(Pixels).view(3, Height, Width);

    public DetectionTarget Target() => new(
        tensor(Boxes).view(-1, 4),
        tensor(Labels, dtype: int64),
        tensor(Masks).view(Labels.Length, Height, Width));
}
