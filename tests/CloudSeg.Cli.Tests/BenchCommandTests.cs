using CloudSeg.Tests;

namespace CloudSeg.Cli.Tests;

public sealed class BenchCommandTests
{
    [Fact]
    public async Task Prints_stage_statistics_throughput_peak_memory_and_the_bare_run()
    {
        var (exit, console) = await CliRunner.RunAsync("bench", "--model", RepoPaths.FixtureModel("torchvision-tiny"),
            "--images", Path.Combine(RepoPaths.ModelFixtures, "images"), "--runs", "1", "--threads", "1", "--bare");

        Assert.True(exit == 0, console);
        foreach (var stage in new[] { "decode", "preprocess", "model", "postprocess", "encode/write" })
            Assert.Matches($@"{stage}\s*│\s*[0-9.]+\s*│\s*[0-9.]+", console);
        Assert.Matches(@"[0-9.]+ ms/image, [0-9.]+ images/s", console);
        Assert.Matches(@"Bare ONNX Runtime Run .*median [0-9.]+ ms", console);
        Assert.Matches(@"Peak memory \(working set\): [0-9.]+ MB", console);
    }
}
