using CloudSeg.Tests;
using Xunit.Abstractions;

namespace CloudSeg.Inference.Tests;

public sealed class TorchvisionSegmenterFixture : IDisposable
{
    public MaskRcnnSegmenter Segmenter { get; } =
        MaskRcnnSegmenter.Load(RepoPaths.FixtureModel("torchvision-tiny"), new SegmenterOptions { IntraOpThreads = 1 });

    public void Dispose() => Segmenter.Dispose();
}

public sealed class TorchvisionFormatTests(TorchvisionSegmenterFixture fixture, ITestOutputHelper log) : IClassFixture<TorchvisionSegmenterFixture>
{
    private static readonly IReadOnlyDictionary<string, ExpectedImage> Expected = ExpectedOutputs.Read(RepoPaths.FixtureModel("torchvision-tiny"));

    // Keep every detection the graph returns, so the comparison is with all of torchvision's outputs.
    private static readonly SegmentRequestOptions AllDetections = new() { ScoreThreshold = 0f };

    public static TheoryData<string> Images => new(Expected.Keys);

    [Theory]
    [MemberData(nameof(Images))]
    public async Task Reproduces_torchvision_eager_outputs(string image)
    {
        var result = await fixture.Segmenter.SegmentAsync(FixtureComparison.LoadImage(image), AllDetections);
        FixtureComparison.AssertMatches(Expected[image], result, boxTolerance: 1e-3, maskAreaTolerance: 0.01, log);
    }

    [Fact]
    public void Reads_the_card_and_cuts_the_full_size_paste_out_of_the_graph()
    {
        Assert.Equal(ModelFormat.Torchvision, fixture.Segmenter.Format);
        Assert.Equal(["__background__", "circle", "square", "triangle"], fixture.Segmenter.Card.Classes);
        Assert.Equal("CPU", fixture.Segmenter.ExecutionProvider);
        Assert.True(fixture.Segmenter.PastesMasks);
    }
}
