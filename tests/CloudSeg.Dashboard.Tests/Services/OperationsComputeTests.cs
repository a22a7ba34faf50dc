using CloudSeg.Dashboard.Services;
using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Tests.Services;

public sealed class OperationsComputeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static ImageIndexEntity Row(string status, int minutesAgo, double? totalMs = null, string? classes = null) => new()
    {
        BlobName = Guid.NewGuid().ToString("N"),
        Status = status,
        ProcessedAt = status == ImageStatus.Succeeded || status == ImageStatus.Failed ? Now.AddMinutes(-minutesAgo) : null,
        TotalMs = totalMs,
        Classes = classes,
    };

    [Fact]
    public void Figures_come_from_the_rows()
    {
        var rows = new List<ImageIndexEntity>();
        for (var i = 1; i <= 100; i++) rows.Add(Row(ImageStatus.Succeeded, i % 10, totalMs: i, classes: i % 2 == 0 ? "circle,square" : "circle"));
        rows.Add(Row(ImageStatus.Failed, 1));
        rows.Add(Row(ImageStatus.Queued, 0));

        var s = OperationsService.Compute(rows, TimeSpan.FromHours(24), Now, queueDepth: 7, poisonDepth: 1);

        Assert.Equal(100, s.StatusCounts[ImageStatus.Succeeded]);
        Assert.Equal(1, s.StatusCounts[ImageStatus.Queued]);
        Assert.Equal(1.0 / 101, s.FailureRate, 6);
        Assert.Equal(100 / 9.0, s.ImagesPerMinute, 6); // 100 images over the 9 minutes they span
        Assert.Equal(50, s.TotalLatency!.P50);
        Assert.Equal(90, s.TotalLatency.P90);
        Assert.Equal(99, s.TotalLatency.P99);
        Assert.Equal(100, s.TotalLatency.Max);
        Assert.Equal([new("circle", 100), new KeyValuePair<string, int>("square", 50)], s.ClassHistogram);
        Assert.Equal(100, s.ProcessedPerBucket.Sum(b => b.Value));
        Assert.Equal(7, s.QueueDepth);
    }

    [Fact]
    public void Figures_stay_put_while_nothing_happens()
    {
        var rows = Enumerable.Range(0, 30).Select(i => Row(ImageStatus.Succeeded, i % 6, totalMs: 100 + i, classes: "circle")).ToList();

        var atOnce = OperationsService.Compute(rows, TimeSpan.FromHours(24), Now, 0, 0);
        var anHourLater = OperationsService.Compute(rows, TimeSpan.FromHours(24), Now.AddHours(1), 0, 0);

        Assert.Equal(30 / 5.0, atOnce.ImagesPerMinute, 6); // 30 images processed over 5 minutes
        Assert.Equal(atOnce.ImagesPerMinute, anHourLater.ImagesPerMinute);
        Assert.Equal(atOnce.TotalLatency, anHourLater.TotalLatency);
        Assert.Equal(atOnce.ProcessedPerBucket, anHourLater.ProcessedPerBucket);
    }

    [Fact]
    public void No_rows_gives_zeros_not_errors()
    {
        var s = OperationsService.Compute([], TimeSpan.FromHours(1), Now, 0, 0);
        Assert.Equal(0, s.ImagesPerMinute);
        Assert.Equal(0, s.FailureRate);
        Assert.Null(s.TotalLatency);
        Assert.Empty(s.ClassHistogram);
    }
}
