using System.Text.Json;
using CloudSeg.Core.Coco;
using CloudSeg.Core.Masks;
using CloudSeg.Evaluation.Coco;
using CloudSeg.Evaluation.Metrics;

namespace CloudSeg.Evaluation.Tests;

public sealed class EvaluationReportTests
{
    private static readonly CocoDataset GroundTruth = new()
    {
        Images = [new CocoImage { Id = 1, FileName = "a.png", Width = 50, Height = 50 }],
        Categories = [new CocoCategory { Id = 1, Name = "square" }],
        Annotations =
        [
            new CocoAnnotation
            {
                Id = 1, ImageId = 1, CategoryId = 1, Bbox = [10, 10, 20, 20], Area = 400,
                Segmentation = CocoAnnotationSegmentation.FromMask(RleMask.FromBox(10, 10, 20, 20, 50, 50)),
            },
        ],
    };

    [Fact]
    public async Task Adds_rescored_columns_only_when_detections_carry_mask_iou()
    {
        var mask = RleMask.FromBox(10, 10, 20, 20, 50, 50);
        CocoResult[] plain = [CocoResult.From(1, 1, mask.BoundingBox, 0.9f, mask)];
        CocoResult[] withMaskIou = [plain[0] with { MaskIou = 0.7f }];

        var withoutRescoring = EvaluationReport.Evaluate(GroundTruth, plain, [IouType.Bbox, IouType.Segm]);
        var withRescoring = EvaluationReport.Evaluate(GroundTruth, withMaskIou, [IouType.Segm]);

        Assert.Equal(["bbox", "segm"], withoutRescoring.Columns.Select(c => c.Name));
        Assert.Equal(["segm", "segm_rescored"], withRescoring.Columns.Select(c => c.Name));
        Assert.All(withRescoring.Columns, c => Assert.Equal(1, c.Summary.AP, 12));

        using var stream = new MemoryStream();
        await withRescoring.WriteJsonAsync(stream);
        using var json = JsonDocument.Parse(stream.ToArray());
        // 1 - 2e-16: pycocotools' precision divides by tp + fp + eps.
        Assert.Equal(1, json.RootElement.GetProperty("segm_rescored").GetProperty("AP50").GetDouble(), 12);
        Assert.Equal(-1, json.RootElement.GetProperty("segm").GetProperty("APl").GetDouble());
    }
}
