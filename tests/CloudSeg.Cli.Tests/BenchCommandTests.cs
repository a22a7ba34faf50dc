using System.Globalization;
using System.Text.RegularExpressions;
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

    [Fact]
    public async Task The_profile_splits_each_runs_wall_time_into_kernels_and_the_rest()
    {
        var images = Path.Combine(RepoPaths.ModelFixtures, "images");
        var (exit, console) = await CliRunner.RunAsync("bench", "--model", RepoPaths.FixtureModel("torchvision-tiny"),
            "--images", images, "--runs", "1", "--threads", "1", "--profile");

        Assert.True(exit == 0, console);
        Assert.Matches(@"all operators\s*│", console);
        // Spectre wraps long lines at the console's width, so any space may be a line break.
        var line = Regex.Match(console, string.Join(@"\s+", "Profiled Runs: (\\d+); per Run: wall ([0-9.]+) ms, kernels ([0-9.]+) ms, outside kernels ([0-9.]+) ms".Split(' ')));
        Assert.True(line.Success, console);
        // One warm-up pass and one timed pass over the pictures, each picture one Run.
        Assert.Equal(2 * Directory.GetFiles(images).Length, int.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture));
        double Ms(int group) => double.Parse(line.Groups[group].Value, CultureInfo.InvariantCulture);
        Assert.InRange(Ms(3), 0.001, Ms(2));                     // kernels are part of the Run
        Assert.Equal(Ms(2) - Ms(3), Ms(4), 0.11);               // the rest is the difference (figures rounded to 0.1 ms at most)
    }
}
