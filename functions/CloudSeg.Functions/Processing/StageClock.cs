using System.Diagnostics;
using CloudSeg.Inference;

namespace CloudSeg.Functions.Processing;

/// <summary>Measures consecutive stages of one image: each <see cref="Mark"/> closes the stage that just ran.</summary>
internal sealed class StageClock
{
    private readonly Dictionary<string, double> _ms = [];
    private long _last = Stopwatch.GetTimestamp();

    public void Mark(string stage)
    {
        var now = Stopwatch.GetTimestamp();
        _ms[stage] = Stopwatch.GetElapsedTime(_last, now).TotalMilliseconds;
        _last = now;
    }

    public double this[string stage] => _ms.GetValueOrDefault(stage);

    /// <summary>Our stages with the segmenter's own split of the "segment" stage (preprocess, model, postprocess).</summary>
    public Dictionary<string, double> ToTimings(StageTimings segmenter) => new()
    {
        ["download"] = Round(this["download"]),
        ["decode"] = Round(this["decode"]),
        ["preprocess"] = Round(segmenter.Preprocess.TotalMilliseconds),
        ["model"] = Round(segmenter.Model.TotalMilliseconds),
        ["postprocess"] = Round(segmenter.Postprocess.TotalMilliseconds),
        ["render"] = Round(this["render"]),
    };

    public static double Round(double ms) => Math.Round(ms, 2);
}
