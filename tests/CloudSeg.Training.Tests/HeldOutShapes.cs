using CloudSeg.Core.Coco;
using CloudSeg.Core.Imaging;
using CloudSeg.Datasets.Shapes;
using CloudSeg.Evaluation.Coco;
using CloudSeg.Inference;

namespace CloudSeg.Training.Tests;

/// <summary>Runs a bundled model over labelled pictures the way users run it, for the bundled models' AP tests.</summary>
static class HeldOutShapes
{
    /// <summary>Writes the first <paramref name="count"/> pictures of the held-out split the bundled models are scored
    /// on (shapes seed 1 at 128 px, val = the second split) into <paramref name="directory"/>; returns the val folder.</summary>
    public static async Task<string> WriteAsync(string directory, int count = 100)
    {
        await new ShapesDatasetWriter(new ShapesOptions { ImageSize = 128, Seed = 1 })
            .WriteAsync(directory, [new ShapesSplit("train", 0), new ShapesSplit("val", count)]);
        return Path.Combine(directory, "val");
    }

    /// <summary>Segments every picture of a COCO folder (<paramref name="annotations"/> names them, relative to
    /// <paramref name="images"/>); returns its ground truth and the results.</summary>
    public static async Task<(CocoDataset GroundTruth, List<CocoResult> Results)> SegmentAsync(ISegmenter segmenter, string annotations, string images)
    {
        var groundTruth = await CocoDatasetJson.ReadFileAsync(annotations);
        var results = new List<CocoResult>();
        foreach (var image in groundTruth.Images)
        {
            var segmentation = await segmenter.SegmentAsync(ImageDecoder.DecodeFile(Path.Combine(images, image.FileName)));
            Assert.All(segmentation.Instances, i => Assert.Equal((segmentation.Width, segmentation.Height), (i.Mask.Width, i.Mask.Height)));
            results.AddRange(segmentation.Instances.Select(i => CocoResult.From(image.Id, i.CategoryId, i.Box, i.Score, i.Mask, i.MaskIou)));
        }
        return (groundTruth, results);
    }
}
