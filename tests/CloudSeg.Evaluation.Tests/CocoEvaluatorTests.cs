using CloudSeg.Core.Coco;
using CloudSeg.Core.Masks;
using CloudSeg.Evaluation.Coco;
using CloudSeg.Evaluation.Metrics;

namespace CloudSeg.Evaluation.Tests;

/// <summary>Hand-checkable cases of COCO evaluation's rules (the fixture test covers the numbers at large).</summary>
public sealed class CocoEvaluatorTests
{
    private const int Size = 100;

    [Fact]
    public void Perfect_detections_score_one_and_empty_area_ranges_minus_one()
    {
        var gt = Dataset(Object(1, 1, 10, 10, 20, 20), Object(2, 1, 50, 50, 40, 40));
        var detections = gt.Annotations.Select(a => Detection(a.CategoryId, a.Bbox, 0.9f)).ToArray();

        foreach (var iouType in new[] { IouType.Bbox, IouType.Segm })
        {
            var stats = CocoEvaluator.Evaluate(gt, detections, iouType);

            Assert.Equal(1, stats.AP, 12);
            Assert.Equal(1, stats.AP50, 12);
            Assert.Equal(1, stats.AR100, 12);
            Assert.Equal(1, stats.APSmall, 12);   // 20×20 = 400 px < 32²
            Assert.Equal(1, stats.APMedium, 12);  // 40×40 = 1600 px
            Assert.Equal(-1, stats.APLarge);      // nothing above 96²: no number, not zero
            Assert.Equal(-1, stats.ARLarge);
        }
    }

    [Fact]
    public void No_detections_give_zero_where_there_is_ground_truth()
    {
        var gt = Dataset(Object(1, 1, 10, 10, 40, 40));

        var stats = CocoEvaluator.Evaluate(gt, [], IouType.Bbox);

        Assert.Equal(0, stats.AP);
        Assert.Equal(0, stats.AR100);
        Assert.Equal(-1, stats.APSmall);
        Assert.Equal(0, stats.APMedium);
    }

    [Fact]
    public void Detections_inside_a_crowd_region_are_neither_hits_nor_false_positives()
    {
        var gt = Dataset(Object(1, 1, 10, 10, 40, 40), Object(2, 1, 60, 60, 30, 30) with { IsCrowd = 1 });
        // The crowd detection scores highest: if it counted as a false positive, AP would drop below 1.
        CocoResult[] detections = [Detection(1, [62, 62, 10, 10], 0.99f), Detection(1, [10, 10, 40, 40], 0.5f)];

        var stats = CocoEvaluator.Evaluate(gt, detections, IouType.Bbox);

        Assert.Equal(1, stats.AP, 12);
    }

    [Fact]
    public void A_duplicate_is_a_false_positive()
    {
        var gt = Dataset(Object(1, 1, 10, 10, 40, 40));
        CocoResult[] detections = [Detection(1, [10, 10, 40, 40], 0.9f), Detection(1, [11, 10, 40, 40], 0.8f)];

        var stats = CocoEvaluator.Evaluate(gt, detections, IouType.Bbox);

        // The first detection finds the object at full recall, so the interpolated precision stays 1.
        Assert.Equal(1, stats.AP50, 12);
        var duplicateFirst = CocoEvaluator.Evaluate(gt, [detections[1] with { Score = 0.95f }, detections[0]], IouType.Bbox);
        Assert.True(duplicateFirst.AP < 1);
    }

    [Fact]
    public void Thresholds_are_numpys_so_AP75_finds_its_threshold()
    {
        var parameters = new CocoEvalParameters();

        Assert.Contains(0.75, parameters.IouThresholds);
        Assert.Equal(0.95, parameters.IouThresholds[^1]);
        Assert.Equal(101, parameters.RecallThresholds.Count);
    }

    [Fact]
    public void Detections_of_unknown_images_are_an_error()
    {
        var gt = Dataset(Object(1, 1, 10, 10, 40, 40));

        var error = Assert.Throws<InvalidDataException>(() =>
            CocoEvaluator.Evaluate(gt, [Detection(1, [0, 0, 5, 5], 0.5f) with { ImageId = 42 }], IouType.Segm));
        Assert.Contains("image 42", error.Message);
    }

    [Fact]
    public void Rescoring_multiplies_by_mask_iou_and_leaves_others_alone()
    {
        CocoResult[] detections = [Detection(1, [0, 0, 5, 5], 0.8f) with { MaskIou = 0.5f }, Detection(1, [0, 0, 5, 5], 0.7f)];

        var rescored = MaskIouRescoring.Apply(detections);

        Assert.Equal(0.4f, rescored[0].Score);
        Assert.Equal(0.7f, rescored[1].Score);
        Assert.True(MaskIouRescoring.IsAvailable(detections));
        Assert.False(MaskIouRescoring.IsAvailable([detections[1]]));
    }

    private static CocoDataset Dataset(params CocoAnnotation[] annotations) => new()
    {
        Images = [new CocoImage { Id = 1, FileName = "a.png", Width = Size, Height = Size }],
        Categories = [new CocoCategory { Id = 1, Name = "square" }, new CocoCategory { Id = 2, Name = "circle" }],
        Annotations = [.. annotations],
    };

    private static CocoAnnotation Object(long id, int categoryId, double x, double y, double w, double h) => new()
    {
        Id = id,
        ImageId = 1,
        CategoryId = categoryId,
        Bbox = [x, y, w, h],
        Area = w * h,
        Segmentation = CocoAnnotationSegmentation.FromMask(RleMask.FromBox(x, y, w, h, Size, Size)),
    };

    private static CocoResult Detection(int categoryId, double[] box, float score) =>
        new(1, categoryId, box.Select(v => (float)v).ToArray(), score,
            CocoSegmentation.FromMask(RleMask.FromBox(box[0], box[1], box[2], box[3], Size, Size)));
}
