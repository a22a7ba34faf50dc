using System.Globalization;

namespace CloudSeg.Bench.Functions;

/// <summary>
/// Command-line knobs: --uploads N --kills K --images DIR --concurrency C --threads T --timeout-minutes M; --bombs B
/// (with --normal N) runs the memory benchmark instead; --cold-start R the cold-start one (R host starts).
/// </summary>
internal sealed record BenchOptions(int Uploads, int Kills, string ImagesDirectory, int Concurrency, int IntraOpThreads, TimeSpan Timeout,
    int Bombs, int Normal, int ColdStarts)
{
    public static BenchOptions Parse(string[] args, string repoRoot)
    {
        string? Value(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new BenchOptions(
            Int("--uploads", 1000),
            Int("--kills", 2),
            Value("--images") ?? Path.Combine(repoRoot, "samples"),
            Int("--concurrency", 6),
            Int("--threads", 1),
            TimeSpan.FromMinutes(Int("--timeout-minutes", 30)),
            Int("--bombs", 0),
            Int("--normal", 200),
            Int("--cold-start", 0));
    }
}
