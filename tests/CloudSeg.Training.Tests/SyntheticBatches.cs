using CloudSeg.Training.Engine;

namespace CloudSeg.Training.Tests;

/// <summary>Training batches made of <see cref="SyntheticScenes"/>; the batch of a step depends only on the step.</summary>
sealed class SyntheticBatches(int scenes, int batchSize, int height = 96, int width = 128) : ITrainingBatches
{
    readonly PreparedSample[] _samples = Enumerable.Range(0, scenes).Select(seed =>
    {
        var (image, target) = SyntheticScenes.Make(seed, height, width);
        return new PreparedSample(height, width, image.data<float>().ToArray(), target.Boxes.data<float>().ToArray(),
            target.Labels.data<long>().ToArray(), target.Masks.data<byte>().ToArray());
    }).ToArray();

    public int BatchSize => batchSize;
    public int BatchesPerEpoch => (scenes + batchSize - 1) / batchSize;

    public Task<IReadOnlyList<PreparedSample>> ReadBatchAsync(int step, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PreparedSample>>(
            _samples.Skip(step % BatchesPerEpoch * batchSize).Take(batchSize).ToArray());
}
