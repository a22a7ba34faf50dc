using System.Text.Json;
using CloudSeg.Core.Coco;
using CloudSeg.Evaluation.Coco;
using CloudSeg.Evaluation.Metrics;

namespace CloudSeg.Evaluation.Tests;

/// <summary>Our COCO evaluation reproduces pycocotools' COCOeval.stats on a fixture made by pycocotools itself.</summary>
public sealed class PycocotoolsParityTests
{
    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "fixtures", "evaluation");

    [Theory]
    [InlineData("full", IouType.Bbox)]
    [InlineData("full", IouType.Segm)]
    [InlineData("segm_only", IouType.Segm)]
    [InlineData("bbox_only", IouType.Bbox)]
    [InlineData("bbox_only", IouType.Segm)]
    public async Task Stats_equal_pycocotools(string variant, IouType iouType)
    {
        var groundTruth = await CocoDatasetJson.ReadFileAsync(Path.Combine(FixtureDirectory, "gt.json"));
        var detections = ReadResults(variant);

        var summary = CocoEvaluator.Evaluate(groundTruth, detections, iouType);

        AssertStats(Expected($"{variant}_{Name(iouType)}"), summary.Stats);
    }

    [Theory]
    [InlineData(IouType.Bbox)]
    [InlineData(IouType.Segm)]
    public async Task Mask_iou_rescoring_equals_pycocotools_on_rescored_results(IouType iouType)
    {
        var groundTruth = await CocoDatasetJson.ReadFileAsync(Path.Combine(FixtureDirectory, "gt.json"));

        var report = EvaluationReport.Evaluate(groundTruth, ReadResults("full"), [iouType]);

        var plain = Assert.Single(report.Columns, c => !c.Rescored).Summary;
        var rescored = Assert.Single(report.Columns, c => c.Rescored).Summary;
        AssertStats(Expected($"full_{Name(iouType)}"), plain.Stats);
        AssertStats(Expected($"full_{Name(iouType)}_rescored"), rescored.Stats);
        Assert.NotEqual(plain.AP, rescored.AP);
    }

    private static string Name(IouType iouType) => iouType == IouType.Bbox ? "bbox" : "segm";

    private static IReadOnlyList<CocoResult> ReadResults(string variant)
    {
        using var stream = File.OpenRead(Path.Combine(FixtureDirectory, $"results_{variant}.json"));
        return CocoResultsJson.Read(stream);
    }

    private static double[] Expected(string key)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, "expected.json")));
        return document.RootElement.GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    private static void AssertStats(double[] expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(12, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6,
                $"{CocoEvalSummary.StatNames[i]}: pycocotools {expected[i]:F9}, ours {actual[i]:F9}");
        }
    }
}
