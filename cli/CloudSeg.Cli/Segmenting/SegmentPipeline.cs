using System.Diagnostics;
using System.Threading.Channels;
using CloudSeg.Core.Imaging;
using CloudSeg.Inference;

namespace CloudSeg.Cli.Segmenting;

/// <summary>
/// Segments many images with one model as a three-stage pipeline — decode | model | encode+write — so decoding the next
/// image and writing the previous one's files overlap the model run of the current one. Bad images fail alone.
/// </summary>
public sealed class SegmentPipeline(ISegmenter segmenter, SegmentRequestOptions request, string outputDirectory)
{
    // Two images waiting per stage keeps every stage busy without holding many decoded images in memory.
    private const int StageBuffer = 2;

    private sealed record Decoded(ImageJob Job, RgbImage? Image, string? Error, TimeSpan DecodeTime);

    private sealed record Segmented(ImageJob Job, RgbImage Image, Segmentation Segmentation);

    /// <summary>Runs all jobs; <paramref name="onDone"/> is called once per job (from a pipeline thread) as it finishes.</summary>
    public async Task<IReadOnlyList<ImageOutcome>> RunAsync(IReadOnlyList<ImageJob> jobs, Action<ImageOutcome> onDone, CancellationToken ct)
    {
        Directory.CreateDirectory(outputDirectory);
        var decoded = Channel.CreateBounded<Decoded>(StageBuffer);
        var segmented = Channel.CreateBounded<Segmented>(StageBuffer);
        var outcomes = new List<ImageOutcome>(jobs.Count);
        void Finish(ImageOutcome outcome)
        {
            lock (outcomes) outcomes.Add(outcome);
            onDone(outcome);
        }

        var decoding = Task.Run(() => DecodeAllAsync(jobs, decoded.Writer, ct), ct);
        var writing = Task.Run(() => WriteAllAsync(segmented.Reader, Finish, ct), ct);
        try
        {
            await foreach (var item in decoded.Reader.ReadAllAsync(ct))
            {
                var timings = new StageTimings { Decode = item.DecodeTime };
                if (item.Image is null)
                {
                    Finish(ImageOutcome.Failed(item.Job, item.Error!, timings));
                    continue;
                }
                try
                {
                    var segmentation = await segmenter.SegmentAsync(item.Image, request, ct);
                    await segmented.Writer.WriteAsync(new Segmented(item.Job, item.Image,
                        segmentation with { Timings = segmentation.Timings with { Decode = item.DecodeTime } }), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Finish(ImageOutcome.Failed(item.Job, $"segmentation failed: {e.Message}", timings));
                }
            }
        }
        finally
        {
            segmented.Writer.TryComplete();
        }
        await Task.WhenAll(decoding, writing);
        return outcomes.OrderBy(o => o.Job.ImageId).ToList();
    }

    private static async Task DecodeAllAsync(IReadOnlyList<ImageJob> jobs, ChannelWriter<Decoded> writer, CancellationToken ct)
    {
        try
        {
            foreach (var job in jobs)
            {
                var clock = Stopwatch.StartNew();
                Decoded item;
                try
                {
                    var bytes = await File.ReadAllBytesAsync(job.Path, ct);
                    item = new Decoded(job, ImageDecoder.Decode(bytes), null, clock.Elapsed);
                }
                catch (ImageDecodeException e)
                {
                    item = new Decoded(job, null, $"not a usable image ({e.Reason}): {e.Message}", clock.Elapsed);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    item = new Decoded(job, null, $"cannot read: {e.Message}", clock.Elapsed);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    item = new Decoded(job, null, $"cannot decode: {e.Message}", clock.Elapsed);
                }
                await writer.WriteAsync(item, ct);
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private async Task WriteAllAsync(ChannelReader<Segmented> reader, Action<ImageOutcome> finish, CancellationToken ct)
    {
        await foreach (var item in reader.ReadAllAsync(ct))
        {
            var clock = Stopwatch.StartNew();
            try
            {
                await ResultFiles.WriteAsync(outputDirectory, item.Job, item.Image, item.Segmentation, ct);
                var timings = item.Segmentation.Timings with { EncodeWrite = clock.Elapsed };
                finish(new ImageOutcome(item.Job, item.Segmentation with { Timings = timings }, null, timings));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                finish(ImageOutcome.Failed(item.Job, $"cannot write results: {e.Message}", item.Segmentation.Timings));
            }
        }
    }
}
