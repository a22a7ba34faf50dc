using System.Text.Json;
using CloudSeg.Core.Geometry;

namespace CloudSeg.Core.Tests.Geometry;

/// <summary>Checks NMS and box IoU against torchvision.ops (tests/fixtures/core/make_nms_fixture.py).</summary>
public class NonMaxSuppressionTests
{
    private static readonly JsonElement Reference = Fixtures.Json("nms.json");

    public static TheoryData<string> CaseNames() => new(Reference.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Nms_matches_torchvision(string name)
    {
        var (boxes, scores, classes, threshold, c) = Load(name);
        Assert.Equal(Ints(c.GetProperty("nms")), NonMaxSuppression.Apply(boxes, scores, threshold));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Batched_nms_matches_torchvision(string name)
    {
        var (boxes, scores, classes, threshold, c) = Load(name);
        Assert.Equal(Ints(c.GetProperty("batched_nms")), NonMaxSuppression.BatchedApply(boxes, scores, classes, threshold));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Box_iou_matches_torchvision(string name)
    {
        var (boxes, _, _, _, c) = Load(name);
        var expected = Fixtures.Floats(c.GetProperty("iou_first_row"));
        for (var i = 0; i < boxes.Length; i++)
            Assert.Equal(expected[i], boxes[0].IoU(boxes[i]), 6);
    }

    [Fact]
    public void Box_properties()
    {
        var box = new BoxF(10, 20, 40, 30);
        Assert.Equal(30, box.Width);
        Assert.Equal(10, box.Height);
        Assert.Equal(300, box.Area);
        Assert.Equal([10f, 20f, 30f, 10f], box.ToXywh());
        Assert.Equal(box, BoxF.FromXywh(10, 20, 30, 10));
        Assert.Equal(new BoxF(0, 20, 35, 30), new BoxF(-5, 20, 40, 30).ClipTo(35, 100));
        Assert.Equal(0f, new BoxF(0, 0, 0, 0).IoU(new BoxF(0, 0, 0, 0)));
        Assert.Equal(1f / 7f, new BoxF(0, 0, 2, 2).IoU(new BoxF(1, 1, 3, 3)), 6);
    }

    [Fact]
    public void Mismatched_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => NonMaxSuppression.Apply([new BoxF(0, 0, 1, 1)], [0.5f, 0.4f], 0.5f));
    }

    private static (BoxF[] Boxes, float[] Scores, int[] Classes, float Threshold, JsonElement Case) Load(string name)
    {
        var c = Reference.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var boxes = c.GetProperty("boxes").EnumerateArray().Select(b =>
        {
            var v = Fixtures.Floats(b);
            return new BoxF(v[0], v[1], v[2], v[3]);
        }).ToArray();
        return (boxes, Fixtures.Floats(c.GetProperty("scores")), Ints(c.GetProperty("classes")), c.GetProperty("threshold").GetSingle(), c);
    }

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
