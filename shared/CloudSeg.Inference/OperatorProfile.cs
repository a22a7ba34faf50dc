using System.Text.Json;

namespace CloudSeg.Inference;

/// <summary>One operator type's share of the model's time in an ONNX Runtime profile.</summary>
public sealed record OperatorTime(string OpType, double TotalMs, int Calls, double Share);

/// <summary>A profile's operator times and its Runs: <paramref name="RunMs"/> is the wall time of all Run calls (the
/// profiler's "model_run" events), so RunMs minus the operators' kernel time is what ONNX Runtime spends between
/// kernels (executor, allocation, input/output copies, and the profiler's own bookkeeping).</summary>
public sealed record ProfileSummary(IReadOnlyList<OperatorTime> Operators, int Runs, double RunMs)
{
    public double KernelMs => Operators.Sum(op => op.TotalMs);
    public int KernelCalls => Operators.Sum(op => op.Calls);
}

/// <summary>Reads ONNX Runtime's profile (Chrome trace JSON: one "Node" event per operator run, "dur" in µs) and sums
/// the kernel times per operator type, largest first.</summary>
public static class OperatorProfile
{
    public static ProfileSummary Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var totals = new Dictionary<string, (double Us, int Calls)>(StringComparer.Ordinal);
        var (runs, runUs) = (0, 0.0);
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var category = item.GetProperty("cat").GetString();
            if (category == "Session" && item.GetProperty("name").GetString() == "model_run")
                (runs, runUs) = (runs + 1, runUs + item.GetProperty("dur").GetDouble());
            if (category != "Node"
                || !item.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal)
                || !item.TryGetProperty("args", out var args) || !args.TryGetProperty("op_name", out var op))
                continue;
            var name = op.GetString()!;
            var (us, calls) = totals.GetValueOrDefault(name);
            totals[name] = (us + item.GetProperty("dur").GetDouble(), calls + 1);
        }
        var all = totals.Values.Sum(t => t.Us);
        var operators = totals.Select(t => new OperatorTime(t.Key, t.Value.Us / 1000, t.Value.Calls, all > 0 ? t.Value.Us / all : 0))
            .OrderByDescending(t => t.TotalMs)
            .ToList();
        return new ProfileSummary(operators, runs, runUs / 1000);
    }
}
